import type { z } from 'zod';
import { closestNames } from './select-lines.js';

/** Where each secret a config file might hold comes from instead. */
const SECRET_VARIABLES: Readonly<Record<string, string>> = {
  'slack.bot_token': 'SLACK_BOT_TOKEN',
  'slack.signing_secret': 'SLACK_SIGNING_SECRET',
  'slack.app_token': 'SLACK_APP_TOKEN',
  'github.private_key': 'PRIVATE_KEY (or PRIVATE_KEY_PATH)',
  'github.webhook_secret': 'WEBHOOK_SECRET',
  'github.token': 'GITHUB_TOKEN',
  'vsphere.password': 'GOVC_PASSWORD',
  'vsphere.username': 'GOVC_USERNAME',
  'proxmox.token_secret': 'PROXMOX_TOKEN_SECRET',
  'proxmox.token': 'PROXMOX_TOKEN_SECRET',
  'proxmox.password': 'PROXMOX_TOKEN_SECRET (an API token, not a password)',
};
const SECRET_KEY = /(password|secret|token|private_?key)$/i;

type Schema = z.core.$ZodType;

/** The object keys a schema accepts at `path` (every option of a union), or [] when it is not an object there. */
export function knownKeysAt(schema: Schema | undefined, path: readonly PropertyKey[]): string[] {
  if (!schema) return [];
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
    case 'readonly':
    case 'catch':
      return knownKeysAt(def.innerType as Schema, path);
    case 'pipe':
      return knownKeysAt(def.in as Schema, path);
    case 'array':
      return typeof path[0] === 'number' ? knownKeysAt(def.element as Schema, path.slice(1)) : [];
    case 'union':
      return [...new Set((def.options as Schema[]).flatMap((option) => knownKeysAt(option, path)))];
    case 'object': {
      const shape = def.shape as Record<string, Schema>;
      if (path.length === 0) return Object.keys(shape);
      const child = shape[String(path[0])];
      return child ? knownKeysAt(child, path.slice(1)) : [];
    }
    default:
      return [];
  }
}

const quoted = (values: readonly unknown[]) => values.map((value) => `"${String(value)}"`).join(', ');

/** What a value's type is, in words people use. */
function kindOf(expected: string): string {
  return ({ string: 'text', number: 'a number', boolean: 'true or false', array: 'a list', object: 'a mapping of keys' } as Record<string, string>)[expected] ?? expected;
}

/**
 * A zod issue in plain words, with the fix: an unknown key gets "did you
 * mean", a secret-looking key says which environment variable to set, a
 * missing field says to add it, a wrong choice lists the choices. Messages
 * the schemas wrote themselves (custom checks, regex hints) are kept.
 * Returns one message per problem (an unknown-keys issue may hold several).
 *
 * @example
 * describeZodIssue({ code: 'unrecognized_keys', keys: ['max_paralel'], path: [], message: '' }, configSchema)
 * // ['unknown key "max_paralel": did you mean "max_parallel"?']
 */
export function describeZodIssue(issue: z.core.$ZodIssue, schema?: Schema): string[] {
  const path = issue.path.map(String).join('.');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const full = path ? `${path}.${key}` : key;
        if (SECRET_VARIABLES[full] || SECRET_KEY.test(key)) {
          return `"${key}" looks like a secret, and secrets come from the environment only: remove it and set ${SECRET_VARIABLES[full] ?? 'the variable docs/operator.md names for it'}`;
        }
        const known = knownKeysAt(schema, issue.path);
        const close = closestNames(key, known, 2);
        if (close.length > 0) return `unknown key "${key}": did you mean ${close.map((name) => `"${name}"`).join(' or ')}?`;
        return known.length > 0 ? `unknown key "${key}": remove it (known keys here: ${known.join(', ')})` : `unknown key "${key}": remove it`;
      });
    case 'invalid_union': {
      const union = issue as typeof issue & { note?: string; discriminator?: string; options?: unknown[] };
      if (union.note === 'No matching discriminator' && union.options) return [`use one of ${quoted(union.options)}`];
      return [issue.message];
    }
    case 'invalid_value':
      return [`use one of ${quoted(issue.values)}`];
    case 'invalid_type': {
      const received = (issue as typeof issue & { input?: unknown }).input;
      if (received === undefined && /received undefined/.test(issue.message)) return [`missing: add it (${kindOf(issue.expected)})`];
      return /^Invalid input: expected/.test(issue.message) ? [`give ${kindOf(issue.expected)} here`] : [issue.message];
    }
    case 'too_big':
      return /^Too big/.test(issue.message) ? [`${issue.origin === 'array' ? 'give at most' : 'must be at most'} ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}`] : [issue.message];
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1 && /^Too small/.test(issue.message)) return ['must not be empty'];
      return /^Too small/.test(issue.message) ? [`${issue.origin === 'array' ? 'give at least' : 'must be at least'} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}`] : [issue.message];
    default:
      return [issue.message];
  }
}
