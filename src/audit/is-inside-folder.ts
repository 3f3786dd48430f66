import { isAbsolute, relative, resolve } from 'node:path';

/**
 * Whether `path` is `folder` or lies under it: audit and report refuse to
 * write their output into the records folder they read.
 *
 * @example
 * isInsideFolder('records/report.html', 'records') // true
 */
export function isInsideFolder(path: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
