import type { z } from 'zod';

/**
 * One line per problem, each naming the file, the path inside it and the fix.
 *
 * @example
 * formatZodError('goldsmith.yaml', error)
 * // 'goldsmith.yaml: max_parallel: Too big: expected number to be <=32'
 */
export function formatZodError(file: string, error: z.ZodError, describePath?: (path: PropertyKey[]) => string): string {
  return error.issues
    .map((issue) => {
      const where = describePath ? describePath(issue.path) : issue.path.map(String).join('.') || '(top level)';
      return `${file}: ${where}: ${issue.message}`;
    })
    .join('\n');
}
