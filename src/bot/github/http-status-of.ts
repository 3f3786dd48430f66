/**
 * The HTTP status of a failed GitHub call (Octokit's RequestError carries
 * it), or undefined for any other error.
 *
 * @example
 * if (httpStatusOf(error) === 404) return undefined; // not a collaborator
 */
export function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
