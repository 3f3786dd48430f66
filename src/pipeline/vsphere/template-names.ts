/** The names one line's templates go by in the folder. */
export interface TemplateNames {
  /** The template everyone clones: `<base>`. */
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

/**
 * The names of a line's templates, from its matrix `base_name`.
 *
 * @example
 * templateNamesOf('tpl-ubuntu-24.04').prev // 'tpl-ubuntu-24.04-prev'
 */
export function templateNamesOf(base: string): TemplateNames {
  return { base, prev: `${base}-prev`, build: `${base}-build`, rolledBack: (ts) => `${base}${ROLLED_BACK_INFIX}${ts}` };
}
