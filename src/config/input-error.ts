/**
 * Input goldsmith cannot use: an unknown line, a config or matrix file that
 * is missing or does not parse. Exits 2, like a usage error, and the message
 * names the file or the name and the fix.
 */
export class InputError extends Error {
  readonly exitCode = 2;
}
