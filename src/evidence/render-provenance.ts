import { hostname } from 'node:os';
import { buildProvenanceStatement } from './build-provenance-statement.js';
import { IN_TOTO_PAYLOAD_TYPE, signDsse } from './dsse.js';
import type { Run } from './run-schema.js';
import type { SigningKey } from './ssh-keys.js';

/**
 * The text of a record's provenance.intoto.json: the record's statement,
 * signed as a DSSE envelope with the record's key. Undefined for kinds that
 * carry none (init). The payload is the statement's compact JSON; the file
 * is the envelope, pretty-printed, ending in a newline.
 *
 * @example
 * const text = renderProvenance(run, key, { imageSumsSha256: undefined });
 * // '{\n  "payloadType": "application/vnd.in-toto+json",\n  "payload": "eyJf…",\n  "signatures": [{ "keyid": "SHA256:…", "sig": "…" }]\n}\n'
 */
export function renderProvenance(run: Run, key: SigningKey, context: { imageSumsSha256?: string | undefined; host?: string }): string | undefined {
  if (run.kind !== 'build' && run.kind !== 'promotion') return undefined;
  const statement = buildProvenanceStatement(run, { host: context.host ?? hostname(), imageSumsSha256: context.imageSumsSha256 });
  const envelope = signDsse(Buffer.from(JSON.stringify(statement), 'utf8'), IN_TOTO_PAYLOAD_TYPE, key);
  return `${JSON.stringify(envelope, null, 2)}\n`;
}
