import type { ParsedUrlQuery } from 'node:querystring';
import type { ReceiverEvent } from '@slack/bolt';
import { checkSlackForm } from './check-slack-form.js';
import type { SeenSocketEnvelopes } from './seen-socket-envelopes.js';
import type { BotLogger } from './slack-bot-context.js';
import type { SocketEnvelope } from './socket-mode-messages.js';

/** Sends `{ envelope_id, payload? }` back on the socket that delivered the envelope. */
export type SendAck = (payload?: Record<string, unknown>) => Promise<void>;

export interface SocketEnvelopeHandlerOptions {
  seen: Pick<SeenSocketEnvelopes, 'remember'>;
  logger: BotLogger;
  /** Bolt's `App.processEvent`: the very listeners the HTTP path reaches. */
  processEvent: (event: ReceiverEvent) => Promise<void>;
  /** How long each envelope took to be acked, in seconds (the same histogram as HTTP acks). */
  observeAck?: ((seconds: number) => void) | undefined;
}

const SLASH_COMMAND_FIELDS = ['command', 'text', 'user_id', 'channel_id', 'response_url'] as const;

/** The envelope's payload as checkSlackForm reads an HTTP form: the fields the handler reads, and an interaction as its `payload` JSON. */
function formOf(envelope: SocketEnvelope): ParsedUrlQuery | undefined {
  if (envelope.type === 'interactive') return { payload: JSON.stringify(envelope.payload) };
  if (envelope.type !== 'slash_commands') return undefined;
  const form: Record<string, unknown> = {};
  for (const field of SLASH_COMMAND_FIELDS) if (field in envelope.payload) form[field] = envelope.payload[field];
  return form as ParsedUrlQuery;
}

const ephemeral = (text: string) => ({ response_type: 'ephemeral', text });

/**
 * Handles the envelopes Slack sends over Socket Mode with the same rules as
 * a request to /slack/events: each envelope is acted on at most once (its
 * `envelope_id` is remembered in SQLite, so a copy Slack resends with a
 * higher `retry_attempt`, to this process or another on the same file, is
 * acked and ignored), a slash command or interaction that cannot be read gets
 * the same refusal as over HTTP, and the rest goes to Bolt's listeners, whose
 * `ack()` becomes the envelope's ack. An envelope no listener acks is still
 * acked once they are done, so Slack does not send it again.
 *
 * @example
 * const handle = handleSocketEnvelope({ seen, logger, processEvent: (event) => app.processEvent(event) });
 * await handle(envelope, (payload) => send({ envelope_id: envelope.envelope_id, payload }));
 */
export function handleSocketEnvelope(options: SocketEnvelopeHandlerOptions): (envelope: SocketEnvelope, sendAck: SendAck) => Promise<void> {
  const { logger } = options;
  return async (envelope, sendAck) => {
    const started = process.hrtime.bigint();
    let acked = false;
    const ack = async (payload?: Record<string, unknown>) => {
      if (acked) return;
      acked = true;
      options.observeAck?.(Number(process.hrtime.bigint() - started) / 1e9);
      await sendAck(payload);
    };
    const where = { envelope_id: envelope.envelope_id, type: envelope.type, retry_attempt: envelope.retry_attempt ?? 0 };

    let seen: ReturnType<SocketEnvelopeHandlerOptions['seen']['remember']>;
    try {
      seen = options.seen.remember(envelope.envelope_id);
    } catch (error) {
      // As over HTTP: an envelope that cannot be ruled out as a copy is not acted on.
      logger.error({ ...where, err: (error as Error).message }, 'slack envelope not checked for repeats');
      return ack(
        envelope.type === 'slash_commands'
          ? ephemeral(':warning: Not done: goldsmith cannot check this request against the ones already received; try again, and check the goldsmith serve log.')
          : undefined,
      );
    }
    if (!seen.first) {
      logger.warn({ ...where, retry_reason: envelope.retry_reason, first_received_at: seen.receivedAt }, 'repeated slack envelope acked and ignored');
      return ack();
    }

    const readable = checkSlackForm(formOf(envelope));
    if (!readable.ok) {
      logger.warn({ ...where, kind: readable.kind, problem: readable.problem }, 'unreadable slack request');
      return ack(readable.kind === 'command' ? ephemeral(`:warning: Not done: goldsmith could not read this /image request: ${readable.problem}.`) : undefined);
    }

    const event: ReceiverEvent = {
      body: envelope.payload,
      // Bolt's HTTP ack takes a string as a plain-text body; Socket Mode carries it as the payload's text.
      ack: async (response?: unknown) => ack(typeof response === 'string' ? { text: response } : (response as Record<string, unknown> | undefined)),
      retryNum: envelope.retry_attempt,
      retryReason: envelope.retry_reason,
    };
    try {
      await options.processEvent(event);
    } catch (error) {
      logger.error({ ...where, err: (error as Error).message }, 'slack envelope failed');
    } finally {
      if (!acked) await ack().catch((error: Error) => logger.warn({ ...where, err: error.message }, 'slack envelope not acked'));
    }
  };
}
