import { readFileSync } from 'node:fs';
import { formatZodError } from './format-zod-error.js';
import { InputError } from './input-error.js';
import { matrixSchema, type Matrix } from './matrix-schema.js';

/**
 * Reads `packer/matrix.json`. Errors (InputError: exit 2) name the file, the
 * entry (by key when it has one) and the field.
 *
 * @example
 * const matrix = loadMatrix('packer/matrix.json');
 */
export function loadMatrix(path: string): Matrix {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `matrix file ${path} does not exist; set packer.matrix in goldsmith.yaml` : `${path}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = matrixSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const entries = Array.isArray(raw) ? raw : [];
  throw new InputError(
    formatZodError(
      path,
      parsed.error,
      ([index, ...rest]) => {
        const key = typeof index === 'number' ? (entries[index] as { key?: unknown } | undefined)?.key : undefined;
        // People count entries from one, as an editor numbers them; the key says which when there is one.
        const entry = typeof index === 'number' ? `entry ${index + 1}${typeof key === 'string' ? ` ("${key}")` : ''}` : '(top level)';
        return rest.length > 0 ? `${entry}: ${rest.map(String).join('.')}` : entry;
      },
      matrixSchema,
    ),
  );
}
