import { AuditInputError } from './audit-input-error.js';
import { SshReader } from '../evidence/ssh-wire.js';

/** One line of an ssh-keygen ALLOWED SIGNERS file. */
export interface AllowedSigner {
  /** Where it came from, for messages: `allowed_signers:3`. */
  source: string;
  /** Comma-separated principal patterns (`*`, `?`, `!`). */
  principals: string;
  /** Comma-separated namespace patterns from `namespaces="…"`, when the line restricts them. */
  namespaces: string | undefined;
  validAfter: Date | undefined;
  validBefore: Date | undefined;
  keyType: string;
  /** The SSH public key blob, compared byte for byte with a signature's key. */
  publicBlob: Buffer;
}

const KEY_TYPE = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)(-cert-v01@openssh\.com)?$/;

/** Splits off the next whitespace-delimited field, keeping double-quoted runs (which may hold spaces) whole. */
function nextField(text: string): [string, string] {
  let index = 0;
  let quoted = false;
  while (index < text.length && (quoted || !/\s/.test(text[index]!))) {
    if (text[index] === '"') quoted = !quoted;
    index += 1;
  }
  if (quoted) throw new Error('has an unterminated quote');
  return [text.slice(0, index), text.slice(index).trimStart()];
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** `YYYYMMDD[Z]` or `YYYYMMDDHHMM[SS][Z]`: UTC with Z, local time without, as ssh-keygen reads them. */
function parseTimestamp(text: string, option: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z?)$/i.exec(text);
  if (!match) throw new Error(`${option}="${text}" is not YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]`);
  const [, year, month, day, hour = '0', minute = '0', second = '0', utc] = match;
  const parts = [Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)] as const;
  const date = utc ? new Date(Date.UTC(...parts)) : new Date(...parts);
  if (Number.isNaN(date.getTime())) throw new Error(`${option}="${text}" is not a valid date`);
  return date;
}

function splitOptions(text: string): string[] {
  const options: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    if (char === ',' && !quoted) {
      options.push(current);
      current = '';
    } else current += char;
  }
  options.push(current);
  return options;
}

type Options = Pick<AllowedSigner, 'namespaces' | 'validAfter' | 'validBefore'>;

function parseOptions(text: string): Options {
  const options: Options = { namespaces: undefined, validAfter: undefined, validBefore: undefined };
  for (const option of splitOptions(text)) {
    const equals = option.indexOf('=');
    const name = (equals < 0 ? option : option.slice(0, equals)).toLowerCase();
    const value = equals < 0 ? undefined : unquote(option.slice(equals + 1));
    if (name === 'cert-authority') {
      throw new Error('uses cert-authority, which goldsmith audit does not support: list each signing key itself (its "ssh-ed25519 AAAA…" line)');
    }
    if (value === undefined) throw new Error(`has an unsupported option "${option}" (supported: namespaces, valid-after, valid-before)`);
    if (name === 'namespaces') options.namespaces = value;
    else if (name === 'valid-after') options.validAfter = parseTimestamp(value, name);
    else if (name === 'valid-before') options.validBefore = parseTimestamp(value, name);
    else throw new Error(`has an unsupported option "${name}" (supported: namespaces, valid-after, valid-before)`);
  }
  return options;
}

function parseKey(keyType: string, rest: string): Buffer {
  const [base64] = nextField(rest);
  if (!base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new Error(`has no base64 key after "${keyType}"`);
  const blob = Buffer.from(base64, 'base64');
  let embedded: string;
  try {
    embedded = new SshReader(blob, 'the key').text();
  } catch {
    throw new Error('has a truncated key');
  }
  if (embedded !== keyType) throw new Error(`says "${keyType}" but its key is of type "${embedded}"`);
  return blob;
}

function parseLine(line: string, source: string): AllowedSigner {
  const [principalsField, afterPrincipals] = nextField(line);
  const principals = unquote(principalsField);
  if (!principals) throw new Error('has no principals');
  let [field, rest] = nextField(afterPrincipals);
  let options: Options = { namespaces: undefined, validAfter: undefined, validBefore: undefined };
  if (!field) throw new Error('has no key');
  if (!KEY_TYPE.test(field)) {
    options = parseOptions(field);
    [field, rest] = nextField(rest);
  }
  if (!KEY_TYPE.test(field) && field.includes('=')) throw new Error(`has options separated by a space at "${field.slice(0, 40)}"; separate options with commas only`);
  if (!KEY_TYPE.test(field)) throw new Error(field ? `has an unknown key type "${field.slice(0, 40)}"` : 'has no key');
  return { source, principals, ...options, keyType: field, publicBlob: parseKey(field, rest) };
}

/**
 * Parses an ssh-keygen ALLOWED SIGNERS file: `principals [options] keytype
 * base64 [comment]` per line, `#` comments and blank lines ignored. Throws
 * an AuditInputError naming the file and line for anything ssh-keygen would
 * reject or goldsmith cannot honour (cert-authority).
 *
 * @example
 * const signers = parseAllowedSigners('goldsmith namespaces="goldsmith-record" ssh-ed25519 AAAAC3…\n', 'allowed_signers');
 * signers[0].principals // 'goldsmith'
 */
export function parseAllowedSigners(text: string, file: string): AllowedSigner[] {
  const signers: AllowedSigner[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const source = `${file}:${index + 1}`;
    try {
      signers.push(parseLine(line, source));
    } catch (error) {
      throw new AuditInputError(`${source} ${(error as Error).message}`);
    }
  }
  if (signers.length === 0) throw new AuditInputError(`${file} lists no keys; add a line "goldsmith namespaces=\\"goldsmith-record\\" ssh-ed25519 AAAA…"`);
  return signers;
}
