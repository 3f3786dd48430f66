/** A missing or malformed environment variable: names the variable and the fix; exits 2, like a usage error. */
export class SettingsError extends Error {
  readonly exitCode = 2;
}
