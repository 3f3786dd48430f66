import type { z } from 'zod';
import { WEBHOOK_PAYLOAD_SCHEMAS, type HandledWebhookEvent } from './webhook-payload-schemas.js';

/** Problems named in one answer: enough to fix a sender, short enough to read. */
const NAMED = 3;

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function valueAt(payload: unknown, path: readonly PropertyKey[]): unknown {
  let value = payload;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

// Only the path (goldsmith's own field names) and zod's message (types and limits, never the value) are said back.
function describe(issue: z.core.$ZodIssue, payload: unknown): string {
  const path = issue.path.map(String).join('.');
  return valueAt(payload, issue.path) === undefined ? `missing ${path}` : `${path}: ${issue.message}`;
}

/**
 * What is wrong with a webhook body for goldsmith, in general terms, or
 * undefined when it can be handed on: not JSON, not a JSON object (GitHub
 * sends nothing else), or, for an event and action goldsmith handles, a
 * field it reads missing or of the wrong type. Deliveries of other events
 * are not looked into: they keep being acknowledged and ignored. The
 * message names fields, never their values, so it is safe to send back.
 *
 * @example
 * findPayloadProblem('issue_comment', '{"action":"created","issue":{"number":1}}')
 * // 'payload is not a valid issue_comment.created event: missing issue.html_url, missing comment, missing repository (and 2 more)'
 * findPayloadProblem('star', '{"action":"created"}') // undefined
 */
export function findPayloadProblem(event: string, body: string): string | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return 'payload is not JSON';
  }
  if (!isPlainObject(payload)) return 'payload is not a JSON object';
  const name = `${event}.${String(payload.action)}`;
  if (!Object.hasOwn(WEBHOOK_PAYLOAD_SCHEMAS, name)) return undefined;
  const parsed = WEBHOOK_PAYLOAD_SCHEMAS[name as HandledWebhookEvent].safeParse(payload);
  if (parsed.success) return undefined;
  const { issues } = parsed.error;
  const named = issues.slice(0, NAMED).map((issue) => describe(issue, payload));
  const more = issues.length > NAMED ? ` (and ${issues.length - NAMED} more)` : '';
  return `payload is not a valid ${name} event: ${named.join(', ')}${more}`;
}
