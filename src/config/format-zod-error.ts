import type { z } from 'zod';
import { describeZodIssue } from './describe-zod-issue.js';

/**
 * One line per problem, each naming the file, the path inside it and the fix
 * in plain words (describeZodIssue; pass the schema for "did you mean").
 *
 * @example
 * formatZodError('goldsmith.yaml', error, undefined, configSchema)
 * // 'goldsmith.yaml: max_parallel: must be at most 32'
 * // 'goldsmith.yaml: (top level): unknown key "max_paralel": did you mean "max_parallel"?'
 */
export function formatZodError(file: string, error: z.ZodError, describePath?: (path: PropertyKey[]) => string, schema?: z.core.$ZodType): string {
  return error.issues
    .flatMap((issue) => {
      const where = describePath ? describePath(issue.path) : issue.path.map(String).join('.') || '(top level)';
      return describeZodIssue(issue, schema).map((message) => `${file}: ${where}: ${message}`);
    })
    .join('\n');
}
