import type { ParsedUrlQuery } from 'node:querystring';
import { z } from 'zod';
import { escapeMrkdwn } from './slack-text.js';

/** What a form-encoded Slack request is; `other` is anything Bolt reads as JSON (Events API). */
export type SlackFormKind = 'command' | 'interaction' | 'other';

/** A readable request, or what is wrong with it in words that name the field. */
export type SlackFormVerdict = { ok: true; kind: SlackFormKind } | { ok: false; kind: Exclude<SlackFormKind, 'other'>; problem: string };

// The fields the /image handler reads, each exactly once (a duplicate is an array here, as in Bolt).
// Any other field may be absent but must not be repeated either: Bolt would hand the handler an array.
const slashCommandForm = z
  .object({
    command: z.literal('/image'),
    text: z.string(),
    user_id: z.string().min(1),
    channel_id: z.string().min(1),
    response_url: z.string().min(1),
  })
  .catchall(z.string());

const interactionPayload = z.object({ type: z.string().min(1) }).loose();

/** Field names come from the request: escaped and cut short before they reach a Slack message. */
const nameOf = (field: string) => `"${escapeMrkdwn(field.length > 40 ? `${field.slice(0, 40)}…` : field)}"`;

function describeField(form: ParsedUrlQuery, field: string): string {
  const value = form[field];
  if (value === undefined) return `the form field ${nameOf(field)} is missing`;
  if (Array.isArray(value)) return `the form field ${nameOf(field)} was sent ${value.length} times`;
  if (field === 'command') return `the form field "command" is ${nameOf(value)}, and goldsmith answers only /image`;
  return `the form field ${nameOf(field)} is empty`;
}

function checkPayload(form: ParsedUrlQuery): SlackFormVerdict {
  const payload = form.payload;
  if (typeof payload !== 'string') return { ok: false, kind: 'interaction', problem: describeField(form, 'payload') };
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { ok: false, kind: 'interaction', problem: 'the form field "payload" is not JSON' };
  }
  if (!interactionPayload.safeParse(json).success) return { ok: false, kind: 'interaction', problem: 'the form field "payload" is not a JSON object with a "type"' };
  return { ok: true, kind: 'interaction' };
}

/**
 * Checks a signed Slack request's form, read the way Bolt reads it
 * (node:querystring's `parse`, where a repeated field becomes an array;
 * `undefined` for a body Bolt reads as JSON), and says what is wrong before
 * a handler sees it: a slash command needs `command`, `text`, `user_id`,
 * `channel_id` and `response_url` once each and no field twice; an
 * interaction needs one `payload` holding a JSON object with a `type`.
 *
 * @example
 * const verdict = checkSlackForm(parse(rawBody.toString()));
 * if (!verdict.ok) reply(`goldsmith could not read this request: ${verdict.problem}`);
 */
export function checkSlackForm(form: ParsedUrlQuery | undefined): SlackFormVerdict {
  if (!form) return { ok: true, kind: 'other' };
  if ('payload' in form) return checkPayload(form);
  const parsed = slashCommandForm.safeParse(form);
  if (parsed.success) return { ok: true, kind: 'command' };
  const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
  return { ok: false, kind: 'command', problem: fields.map((field) => describeField(form, field)).join('; ') };
}
