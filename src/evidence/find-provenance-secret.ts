import type { Credential } from '../config/find-credentials.js';
import { SecretScanner } from './secret-scanner.js';

/** The DSSE payload of an envelope, decoded; undefined for anything else. */
function decodedPayload(bytes: Buffer): Buffer | undefined {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as { payload?: unknown };
    return typeof value?.payload === 'string' ? Buffer.from(value.payload, 'base64') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The name of the first credential whose value a provenance file holds, in
 * its text or inside a DSSE envelope's base64 payload (where a plain search
 * would miss it); undefined when it holds none. Packer's provenance records
 * every `PKR_VAR_` variable it was given unless the template marks it
 * sensitive, and goldsmith maps credentials to such variables.
 *
 * @example
 * findProvenanceSecret(readFileSync('packer-provenance.json'), settings.credentials(config.secret_env)) // 'VSPHERE_PASSWORD'
 */
export function findProvenanceSecret(bytes: Buffer, secrets: readonly Credential[]): string | undefined {
  const usable = secrets.filter((secret) => secret.value.length > 0);
  for (const text of [bytes, decodedPayload(bytes)]) {
    if (!text) continue;
    const scanner = new SecretScanner(usable.map((secret) => secret.value));
    if (scanner.feed(text)) return usable[scanner.found!]!.name;
  }
  return undefined;
}
