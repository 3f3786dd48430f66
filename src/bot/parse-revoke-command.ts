import type { Matrix } from '../config/matrix-schema.js';
import { MAX_REVOCATION_REASON, revocationReasonSchema } from '../evidence/run-schema.js';
import { resolveLine } from './parse-image-command.js';

/** `revoke <line> <record> <reason…>` or `unrevoke …`: the one command whose tail is free text (the reason). */
export type RevokeCommand = { verb: 'revoke' | 'unrevoke'; line: string; record: string; reason: string };

/** A build record as typed in chat: `latest`, its timestamp, or its path. */
const RECORD_WORD = /^(latest|\d{8}t\d{6}z|builds\/[a-z0-9][a-z0-9.-]*\/\d{8}t\d{6}z)$/i;

/** True when the text is a revoke or unrevoke command (it then has its own grammar). */
export function isRevokeText(text: string): boolean {
  return /^\s*(un)?revoke(\s|$)/i.test(text);
}

/**
 * Parses `revoke <line> <record> <reason…>`: the line through the shared
 * grammar (a matrix key comes back, never the user's word), the record as
 * `latest`, a timestamp or `builds/<line>/<ts>`, and the rest, kept as
 * typed, as the reason (one paragraph, at most 1000 characters).
 *
 * @example
 * parseRevokeCommand('revoke noble latest CVE-2026-1234 in openssl', matrix)
 * // { ok: true, command: { verb: 'revoke', line: 'ubuntu-24.04', record: 'latest', reason: 'CVE-2026-1234 in openssl' } }
 */
export function parseRevokeCommand(text: string, matrix: Matrix, prefix = '/image '): { ok: true; command: RevokeCommand } | { ok: false; message: string } {
  if (text.length > MAX_REVOCATION_REASON + 200) return { ok: false, message: `the command is longer than ${MAX_REVOCATION_REASON + 200} characters: keep the reason to one paragraph of at most ${MAX_REVOCATION_REASON}` };
  const match = /^\s*(\S+)\s*(\S*)\s*(\S*)\s*([\s\S]*)$/.exec(text)!;
  const verb = match[1]!.toLowerCase() as RevokeCommand['verb'];
  const [lineWord, recordWord, rest] = [match[2]!, match[3]!, match[4]!];
  const usage = `"${prefix}${verb} <line> <record> <reason>", for example "${prefix}${verb} ubuntu-24.04 latest ${verb === 'revoke' ? 'CVE-2026-1234 in the base image' : 'the CVE does not apply'}" (record: latest, a timestamp such as 20261124T090300Z, or builds/<line>/<ts>)`;
  if (!lineWord || !recordWord) return { ok: false, message: `${verb} needs a line, a build record and a reason: ${usage}` };
  const line = resolveLine(matrix, lineWord, prefix);
  if (!line.ok) return line;
  if (!RECORD_WORD.test(recordWord)) return { ok: false, message: `"${recordWord}" does not name a build record: ${usage}` };
  const record = recordWord.toLowerCase() === 'latest' ? 'latest' : recordWord.replace(/\d{8}t\d{6}z$/i, (ts) => ts.toUpperCase());
  // Slack escapes these three in command text: the record keeps what the user typed.
  const reason = revocationReasonSchema.safeParse(rest.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  if (!reason.success) return { ok: false, message: `${reason.error.issues[0]?.message ?? 'give a reason'}: ${usage}` };
  return { ok: true, command: { verb, line: line.line, record, reason: reason.data } };
}
