/** A mistake in how goldsmith was called: exits 2, like a commander usage error. */
export class UsageError extends Error {
  readonly exitCode = 2;
}
