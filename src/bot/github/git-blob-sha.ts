import { createHash } from 'node:crypto';

/**
 * The SHA-1 Git names a blob by (`git hash-object`): lets a push skip
 * uploading a file the repository already holds byte for byte.
 *
 * @example
 * gitBlobSha(Buffer.from('hello\n')) // 'ce013625030ba8dba906f756967f9e9ca394464a'
 */
export function gitBlobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}
