import type { Matrix } from '../../config/matrix-schema.js';
import type { Requester } from '../../evidence/run-schema.js';
import type { JobStore } from '../../pipeline/job-store.js';
import type { RevocationOperations } from '../../pipeline/revocations/revocation-operations.js';
import type { Job, RequestResult } from '../../pipeline/job-types.js';
import type { TemplateOperations } from '../../pipeline/template-operations.js';
import type { JobOverview } from './recent-jobs.js';
import type { SlackAuthorizer, SlackPermission } from './slack-authorizer.js';
import type { Block } from './slack-text.js';

/** The auditor's verdict, as `/image audit` shows it. serve passes a function that runs the auditor (bot/slack may not import it). */
export interface AuditDigest {
  ok: boolean;
  /** `audited 12 records (1 init, 8 builds, 3 promotions): clean`. */
  summary: string;
  /** The first findings, one line each. */
  findings: string[];
}

/** The structured logger the bot writes to (pino's signature). */
export interface BotLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

/** Everything the `/image` handlers use; serve builds it. */
export interface SlackBotContext {
  /** The progress channel (slack.channel), where rollbacks are announced too. */
  channel: string | undefined;
  matrix: Matrix;
  store: JobStore;
  /** BuildQueue: queues and cancels. */
  queue: {
    request(selector: string, requester: Requester): RequestResult[];
    cancel(id: number, by: Requester): { ok: true; job: Job } | { ok: false; message: string };
  };
  templates: TemplateOperations;
  /** Revocations (`/image revoke`) and each line's live template health (revoked, expired) for `/image status`. */
  revocations: RevocationOperations;
  /** The status overview (running, queued, latest finished), kept in memory between changes. */
  overview: () => JobOverview;
  audit: () => Promise<AuditDigest>;
  authorizer: SlackAuthorizer;
  /** Audit-trail events written in batches (EventBatcher): refusals of busy lines, which come in bursts. */
  laterEvents: { add(jobId: number | null, kind: string, detail: string): void };
  /** Posts to the channel (chat.postMessage). */
  post: (message: { channel: string; text: string; blocks?: Block[] }) => Promise<unknown>;
  logger: BotLogger;
}

/**
 * Keeps a refused action in the job store's audit trail (a service event:
 * no job) and in the log.
 *
 * @example
 * recordRefusal(context, 'U123', 'build test-ok', 'you need the *build* permission …');
 */
export function recordRefusal(context: SlackBotContext, user: string, action: string, permission: SlackPermission | 'input', message: string): void {
  context.store.addEvent(null, 'refused', `slack:${user} ${action}: ${permission === 'input' ? 'bad input' : `missing permission ${permission}`}: ${message}`);
  context.logger.warn({ user, action, permission }, 'refused');
}
