import { CREDENTIAL_NAMES } from './settings-variables.js';

/** A secret value and the variable it came from: the name may be shown, the value never. */
export interface Credential {
  /** The variable (or `NAME (password in URL)`, `PRIVATE_KEY_PATH (file)`). */
  name: string;
  value: string;
}

/** Words that make a variable a credential, matched as whole words of its name (split on `_`). */
const SECRET_WORDS = /(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|SECRETS|TOKEN|TOKENS|KEY|APIKEY|CREDENTIAL|CREDENTIALS|CREDS|AUTH)(_|$)/i;
const SECRET_PARTS = /(password|passwd|secret|token|credential)/i;
/** Names that say key or auth but hold a path, a socket or an id, never a secret. */
const NOT_SECRET = /(_PATH|_FILE|_DIR|_SOCK|_HOME|_ID|_URL)$|^PWD$|^OLDPWD$|^GOLDSMITH_SIGNING_KEY$/i;
/** Shorter values ("1", "yes") would blank ordinary words out of every log. */
const MIN_INFERRED_LENGTH = 4;

/**
 * True when a variable's name says it holds a secret: password, secret,
 * token, key, credential or auth (`PKR_VAR_vsphere_password`,
 * `AWS_SECRET_ACCESS_KEY`), but not a path or an id (`PRIVATE_KEY_PATH`,
 * `AWS_ACCESS_KEY_ID`).
 *
 * @example
 * isSecretName('PKR_VAR_winrm_password') // true
 * isSecretName('SSH_AUTH_SOCK')          // false
 */
export function isSecretName(name: string): boolean {
  if (CREDENTIAL_NAMES.has(name)) return true;
  if (NOT_SECRET.test(name)) return false;
  return SECRET_WORDS.test(name) || SECRET_PARTS.test(name);
}

/** The password of a URL-looking value (`postgres://app:hunter2@db/app`), decoded, or undefined. */
export function urlPasswordOf(value: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^@\s/]+)@/i.exec(value.trim());
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1];
  }
}

/**
 * Every credential value an environment holds: goldsmith's own (by name),
 * the names the operator lists in `secret_env`, any variable whose name says
 * it is a secret, and the password part of any URL. Values are deduplicated;
 * the first name a value was seen under is kept.
 *
 * @example
 * findCredentials({ GOVC_PASSWORD: 'hunter2', DATABASE_URL: 'postgres://a:b@c/d' }, [])
 * // [{ name: 'GOVC_PASSWORD', value: 'hunter2' }, { name: 'DATABASE_URL (password in URL)', value: 'b' }]
 */
export function findCredentials(env: Readonly<Record<string, string>>, secretEnv: readonly string[]): Credential[] {
  const found = new Map<string, string>();
  const add = (name: string, value: string | undefined, minLength = 1) => {
    if (value === undefined || value.length < minLength || found.has(value)) return;
    found.set(value, name);
  };
  const named = new Set([...CREDENTIAL_NAMES, ...secretEnv]);
  for (const name of named) {
    add(name, env[name]);
    // Tokens are often pasted with a trailing newline or spaces; the trimmed form is what gets used.
    add(name, env[name]?.trim());
  }
  for (const [name, value] of Object.entries(env)) {
    if (!named.has(name) && isSecretName(name)) add(name, value, MIN_INFERRED_LENGTH);
    add(`${name} (password in URL)`, urlPasswordOf(value));
  }
  return [...found].map(([value, name]) => ({ name, value }));
}
