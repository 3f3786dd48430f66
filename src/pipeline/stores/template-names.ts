/** The names of one line's templates, from its `base_name`: the same on every platform. */
export interface TemplateNames {
  /** The template in use, what everyone clones: `<base>`. */
  base: string;
  /** The one-step rollback: `<base>-prev`. */
  prev: string;
  /** A fresh build awaiting promotion: `<base>-build`. */
  build: string;
  /** Where a rollback keeps the template it replaced: `<base>-rolledback-<ts>`. */
  rolledBack: (ts: string) => string;
}

/** Prefix of the names rollbacks give the templates they set aside. */
export const ROLLED_BACK_INFIX = '-rolledback-';

/** What a template is to its line. */
export type TemplateRole = 'base' | 'prev' | 'build' | 'rolled back';

/** The order `goldsmith templates` lists roles in. */
export const ROLE_ORDER: readonly TemplateRole[] = ['base', 'prev', 'build', 'rolled back'];

/**
 * The names of a line's templates, from its matrix `base_name`.
 *
 * @example
 * templateNamesOf('tpl-ubuntu-24.04').prev // 'tpl-ubuntu-24.04-prev'
 */
export function templateNamesOf(base: string): TemplateNames {
  return { base, prev: `${base}-prev`, build: `${base}-build`, rolledBack: (ts) => `${base}${ROLLED_BACK_INFIX}${ts}` };
}

/**
 * The role of the template `name` in the line whose base name is `base`, or
 * undefined when it is not one of the line's.
 *
 * @example
 * roleOf('tpl-a', 'tpl-a-rolledback-20261124T100000Z') // 'rolled back'
 */
export function roleOf(base: string, name: string): TemplateRole | undefined {
  const names = templateNamesOf(base);
  if (name === names.base) return 'base';
  if (name === names.prev) return 'prev';
  if (name === names.build) return 'build';
  return name.startsWith(`${base}${ROLLED_BACK_INFIX}`) ? 'rolled back' : undefined;
}
