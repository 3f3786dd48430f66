const SECRET_NAME = /(password|passwd|secret|token|key)/i;

/**
 * Every secret value goldsmith must keep out of logs and records: the
 * variables the config names in `secret_env`, and each PKR_VAR_* whose name
 * says password, secret, token or key.
 *
 * @example
 * collectSecrets(process.env, ['VSPHERE_PASSWORD']) // ['hunter2', ...]
 */
export function collectSecrets(env: NodeJS.ProcessEnv, secretEnv: readonly string[]): string[] {
  const names = new Set(secretEnv);
  for (const name of Object.keys(env)) if (name.startsWith('PKR_VAR_') && SECRET_NAME.test(name.slice(8))) names.add(name);
  return [...names].map((name) => env[name]).filter((value): value is string => typeof value === 'string' && value.length > 0);
}
