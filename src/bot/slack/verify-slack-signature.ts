import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';

/** Slack's replay window: a request is accepted only within this many seconds of its timestamp, in either direction. */
export const SLACK_REQUEST_WINDOW_SECONDS = 300;

const PROXY_HINT = 'if a proxy sits in front of goldsmith, check that it forwards the X-Slack-* headers and the body unchanged';

// Stricter than Bolt, which reads the timestamp with Number(): " 17e8" or "0x…" would sign the same
// request again under another spelling.
const signedHeaders = z.object({
  'x-slack-request-timestamp': z
    .string({ error: `X-Slack-Request-Timestamp is missing; Slack sets it on every request: ${PROXY_HINT}` })
    .regex(/^[1-9]\d{0,11}$/, { error: `X-Slack-Request-Timestamp is not whole seconds since 1970: ${PROXY_HINT}` }),
  'x-slack-signature': z
    .string({ error: `X-Slack-Signature is missing; Slack signs every request: ${PROXY_HINT}` })
    .regex(/^v0=[0-9a-f]{64}$/, { error: `X-Slack-Signature is not "v0=" and 64 lowercase hex digits: ${PROXY_HINT}` }),
});

/** A verified request's signature (lowercase hex, as computed here) and timestamp, or why it is refused. */
export type SignatureVerdict = { ok: true; signature: string; timestamp: number } | { ok: false; reason: string };

/**
 * Checks a Slack request as Slack documents it (`v0=` HMAC-SHA256 of
 * `v0:{timestamp}:{body}` with the signing secret, compared in constant time)
 * and that its timestamp is within five minutes of this server's clock in
 * either direction (Bolt refuses only old ones).
 *
 * @example
 * const verdict = verifySlackSignature(req.headers, rawBody, signingSecret);
 * if (!verdict.ok) return refuse(401, verdict.reason);
 */
export function verifySlackSignature(headers: IncomingHttpHeaders, rawBody: Buffer, signingSecret: string, nowMs = Date.now()): SignatureVerdict {
  const parsed = signedHeaders.safeParse({ 'x-slack-request-timestamp': headers['x-slack-request-timestamp'], 'x-slack-signature': headers['x-slack-signature'] });
  if (!parsed.success) return { ok: false, reason: parsed.error.issues[0]!.message };
  const timestamp = Number(parsed.data['x-slack-request-timestamp']);
  const skew = timestamp - Math.floor(nowMs / 1000);
  if (Math.abs(skew) > SLACK_REQUEST_WINDOW_SECONDS) {
    const where = skew > 0 ? 'ahead of' : 'behind';
    return {
      ok: false,
      reason: `X-Slack-Request-Timestamp is ${Math.abs(skew)} s ${where} this server's clock; goldsmith accepts requests within ${SLACK_REQUEST_WINDOW_SECONDS} s either way: if Slack sent it, check this host's clock (NTP)`,
    };
  }
  const expected = createHmac('sha256', signingSecret).update(`v0:${parsed.data['x-slack-request-timestamp']}:`).update(rawBody).digest();
  const given = Buffer.from(parsed.data['x-slack-signature'].slice(3), 'hex');
  if (!timingSafeEqual(given, expected)) {
    return { ok: false, reason: `X-Slack-Signature does not match the request: check that SLACK_SIGNING_SECRET is the app's Signing Secret; ${PROXY_HINT}` };
  }
  return { ok: true, signature: expected.toString('hex'), timestamp };
}
