/** What a scrubbed secret is replaced with in logs. */
export const REDACTED = '[REDACTED]';

// Bytes are handled as latin1 strings: one char per byte, so a secret's UTF-8
// bytes match wherever they occur and a multi-byte character split across
// chunks is never mangled.
const asBytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

/** A line longer than this is scrubbed in pieces rather than held back whole. */
const MAX_HELD_BYTES = 64 * 1024;

/**
 * Secrets recognised by their shape, whoever holds them: a value goldsmith
 * was never told about (a provisioner's `env | sort`, a library's error
 * quoting a request) is still caught.
 */
const TOKEN_PATTERNS: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic|token)(\s+)[A-Za-z0-9._~+/-]{8,}=*/g, `$1$2${REDACTED}`],
  // Slack: bot, user, app-level and configuration tokens.
  [/\bxox[abposre]-[A-Za-z0-9-]{10,}/g, REDACTED],
  [/\bxapp-\d-[A-Za-z0-9-]{10,}/g, REDACTED],
  // GitHub: classic and fine-grained tokens, app installation and refresh tokens.
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, REDACTED],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, REDACTED],
  // AWS: access key ids, and a secret key wherever it is assigned.
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED],
  [/(aws_secret_access_key["']?\s*[=:]\s*["']?)[A-Za-z0-9/+=]{40}/gi, `$1${REDACTED}`],
  // NAME=value where the name says secret (shell `env`, `set -x`, dotenv files).
  [/\b([A-Za-z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL)[A-Za-z0-9_]*=)(?!\[REDACTED\])[^\s'"]+/gi, `$1${REDACTED}`],
  // The password part of any URL: scheme://user:password@host.
  // Quotes end the match, so a JSON document stays valid when its strings are scrubbed.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@"']+):(?!\[REDACTED\]@)[^@\s/"']+@/gi, `$1:${REDACTED}@`],
];
const KEY_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const KEY_END = /-----END [A-Z0-9 ]*PRIVATE KEY-----/;
const MACHINE_PREFIX = /^\d+,[^,]*,[^,]+,(?:[^,]*,)?/;

/**
 * The forms a secret takes in a log: as is, URL-encoded, and JSON-escaped.
 *
 * @example
 * secretForms('p@ss"w') // ['p@ss"w', 'p%40ss%22w', 'p@ss\\"w']
 */
export function secretForms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])];
}

/**
 * Removes secrets from a byte stream before it reaches disk: every form of
 * each secret value, bearer and API tokens, and private-key blocks. A secret
 * split across two chunks is still caught, because output is released only up
 * to the last complete line (or, for a very long line, all but a tail as long
 * as the longest secret).
 *
 * @example
 * const scrubber = new SecretScrubber(['hunter2']);
 * scrubber.push(Buffer.from('password: hun')); // nothing released yet
 * scrubber.push(Buffer.from('ter2\n'));         // 'password: [REDACTED]\n'
 */
export class SecretScrubber {
  private readonly needles: string[];
  private readonly tail: number;
  private held = '';
  private inKey = false;

  constructor(secrets: readonly string[]) {
    this.needles = [...new Set(secrets.filter((secret) => secret.length > 0).flatMap(secretForms).map(asBytes))].sort((a, b) => b.length - a.length);
    this.tail = Math.max(0, ...this.needles.map((needle) => needle.length - 1));
  }

  /** Accepts the next chunk; returns the scrubbed bytes that are safe to write now. */
  push(chunk: Buffer): Buffer {
    this.held += chunk.toString('latin1');
    const lineEnd = this.held.lastIndexOf('\n') + 1;
    const cut = lineEnd > 0 ? lineEnd : this.held.length > MAX_HELD_BYTES ? this.held.length - this.tail : 0;
    if (cut <= 0) return Buffer.alloc(0);
    const ready = this.held.slice(0, cut);
    this.held = this.held.slice(cut);
    return Buffer.from(this.scrub(ready), 'latin1');
  }

  /** Releases whatever is held, scrubbed; call once the stream has ended. */
  end(): Buffer {
    const rest = this.held;
    this.held = '';
    return Buffer.from(this.scrub(rest), 'latin1');
  }

  private scrub(text: string): string {
    let out = text;
    for (const needle of this.needles) if (out.includes(needle)) out = out.replaceAll(needle, REDACTED);
    for (const [pattern, replacement] of TOKEN_PATTERNS) out = out.replace(pattern, replacement);
    return this.inKey || KEY_BEGIN.test(out) ? this.scrubKeyBlocks(out) : out;
  }

  /** Blanks every line from a private key's BEGIN line to its END line, keeping Packer's machine-readable prefix. */
  private scrubKeyBlocks(text: string): string {
    return text
      .split('\n')
      .map((line) => {
        const begins = KEY_BEGIN.test(line);
        if (!this.inKey && !begins) return line;
        if (begins) this.inKey = true;
        if (KEY_END.test(line)) this.inKey = false;
        return `${MACHINE_PREFIX.exec(line)?.[0] ?? ''}${REDACTED}`;
      })
      .join('\n');
  }
}
