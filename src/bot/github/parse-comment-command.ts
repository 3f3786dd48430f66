import { z } from 'zod';
import type { Matrix } from '../../config/matrix-schema.js';
import { parseImageCommand } from '../parse-image-command.js';

/** A command given in a pull request comment. `line` is always a matrix key. */
export type CommentCommand = { verb: 'promote' } | { verb: 'reject' } | { verb: 'rollback'; line: string };

/**
 * What a comment says: nothing for goldsmith (`none`: it stays silent), a
 * command, or the message explaining why the command cannot be read.
 */
export type ParsedComment = { kind: 'none' } | { kind: 'command'; command: CommentCommand } | { kind: 'invalid'; verb: string; message: string };

const VERBS = ['/promote', '/reject', '/rollback'] as const;

/** The command word: only these three, in any case, answer; every other first word is someone else's. */
const verbSchema = z
  .string()
  .transform((word) => word.toLowerCase())
  .pipe(z.enum(VERBS));

/** `/promote` and `/reject` stand alone on their line: anything after them is a mistake, not a note. */
const bareArgsSchema = z.array(z.string()).max(0);

const USAGE: Record<(typeof VERBS)[number], string> = {
  '/promote': '"/promote" alone on the first line (notes may follow on the next lines)',
  '/reject': '"/reject" alone on the first line (say why on the next lines)',
  '/rollback': '"/rollback <line>" on the first line, for example "/rollback ubuntu-24.04"',
};

/**
 * Reads a pull request comment the way Atlantis does: only its first word
 * decides whether it is for goldsmith, so goldsmith's own replies (which
 * never start with a command) and other bots' commands are ignored. The
 * command is the first line; later lines are free text, but may not hold a
 * second command (one command per comment). `/rollback` takes a line key or
 * alias, resolved through the shared `/image` grammar.
 *
 * @example
 * parseCommentCommand('/promote\nLooks good.', matrix) // { kind: 'command', command: { verb: 'promote' } }
 * parseCommentCommand('/rollback noble', matrix)      // { kind: 'command', command: { verb: 'rollback', line: 'ubuntu-24.04' } }
 * parseCommentCommand('LGTM /promote', matrix)        // { kind: 'none' }
 */
export function parseCommentCommand(body: string, matrix: Matrix): ParsedComment {
  const [first = '', ...rest] = body.replace(/\r\n?/g, '\n').trimStart().split('\n');
  const [word = '', ...args] = first.trim().split(/[ \t]+/).filter(Boolean);
  const verb = verbSchema.safeParse(word);
  if (!verb.success) return { kind: 'none' };
  const name = verb.data;
  const second = rest.map((line) => line.trim().split(/[ \t]+/)[0] ?? '').find((next) => verbSchema.safeParse(next).success);
  if (second) {
    return { kind: 'invalid', verb: name, message: `one command per comment: this one starts with ${name} and also holds ${second.toLowerCase()}; post them as separate comments` };
  }
  if (name === '/rollback') {
    const parsed = parseImageCommand(['rollback', ...args].join(' '), { matrix, prefix: '/' });
    if (!parsed.ok) return { kind: 'invalid', verb: name, message: parsed.message };
    if (parsed.command.verb !== 'rollback') return { kind: 'invalid', verb: name, message: `write ${USAGE[name]}` };
    return { kind: 'command', command: { verb: 'rollback', line: parsed.command.line } };
  }
  if (!bareArgsSchema.safeParse(args).success) {
    return { kind: 'invalid', verb: name, message: `${name} takes nothing after it on its line: write ${USAGE[name]}` };
  }
  return { kind: 'command', command: { verb: name === '/promote' ? 'promote' : 'reject' } };
}
