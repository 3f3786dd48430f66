import { z } from 'zod';
import type { Matrix } from '../../config/matrix-schema.js';
import { revocationReasonSchema } from '../../evidence/run-schema.js';
import { parseImageCommand } from '../parse-image-command.js';

/** A command given in a pull request comment. `line` is always a matrix key. */
export type CommentCommand = { verb: 'promote' } | { verb: 'reject' } | { verb: 'rollback'; line: string } | { verb: 'revoke'; reason: string };

/**
 * What a comment says: nothing for goldsmith (`none`: it stays silent), a
 * command, or the message explaining why the command cannot be read.
 */
export type ParsedComment = { kind: 'none' } | { kind: 'command'; command: CommentCommand } | { kind: 'invalid'; verb: string; message: string };

const VERBS = ['/promote', '/reject', '/rollback', '/revoke'] as const;

/** The command word: only these four, in any case, answer; every other first word is someone else's. */
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
  '/revoke': '"/revoke <reason>" on the first line, for example "/revoke CVE-2026-1234: the base image ships a vulnerable openssl"',
};

/** Columns of leading indentation, as CommonMark counts them: a tab advances to the next multiple of 4. */
function indentWidth(indent: string): number {
  let column = 0;
  for (const char of indent) column = char === '\t' ? column + 4 - (column % 4) : column + 1;
  return column;
}

/** A line that ends a paragraph without joining it: a fence, quote, ATX heading, thematic break, list item or HTML start. */
const INTERRUPTS = /^ {0,3}(?:```|~~~|>|#{1,6}(?:[ \t]|$)|<|(?:[-*_][ \t]*){3,}$|[-+*](?:[ \t]|$)|1[.)](?:[ \t]|$))/;
/** A setext underline: it turns the paragraph above it into a heading. */
const SETEXT = /^ {0,3}(?:=+|-+)[ \t]*$/;

/**
 * The first line of the comment's first block when that block is a plain
 * paragraph, else undefined. Leading blank lines are skipped. The line may be
 * indented by up to 3 columns (CommonMark still reads a paragraph there);
 * at 4 it is an indented code block. Other blocks (fences, quotes, lists,
 * HTML, headings) never start with a command word, so the caller's word check
 * ignores them; a setext underline is the one case where a paragraph's first
 * line looks plain but renders as a heading, so it is looked for here.
 */
function firstParagraphLine(lines: readonly string[]): { line: string; rest: string[] } | undefined {
  const start = lines.findIndex((line) => line.trim() !== '');
  if (start < 0) return undefined;
  const first = lines[start]!;
  const indent = /^[ \t]*/.exec(first)![0];
  if (indentWidth(indent) >= 4) return undefined;
  const rest = lines.slice(start + 1);
  for (const next of rest) {
    if (SETEXT.test(next)) return undefined;
    if (next.trim() === '' || INTERRUPTS.test(next)) break;
  }
  return { line: first.slice(indent.length), rest };
}

/**
 * Reads a pull request comment the way Atlantis does: only its first word
 * decides whether it is for goldsmith, so goldsmith's own replies (which
 * never start with a command) and other bots' commands are ignored. The word
 * must open the comment's first line as plain Markdown paragraph text: an
 * indented (4 columns or a tab) or fenced code block, a quote, a list item,
 * HTML, a heading or a command after other words is someone showing or
 * discussing a command, not giving one. Up to 3 spaces before the command
 * are allowed (CommonMark renders that as a plain paragraph too), and so are
 * blank lines before it. The command is the first line; later lines are free
 * text, but may not hold a second command (one command per comment).
 * `/rollback` takes a line key or alias, resolved through the shared
 * `/image` grammar. `/revoke` takes the rest of its line as the reason.
 *
 * @example
 * parseCommentCommand('/promote\nLooks good.', matrix) // { kind: 'command', command: { verb: 'promote' } }
 * parseCommentCommand('/rollback noble', matrix)      // { kind: 'command', command: { verb: 'rollback', line: 'ubuntu-24.04' } }
 * parseCommentCommand('LGTM /promote', matrix)        // { kind: 'none' }
 * parseCommentCommand('    /promote', matrix)         // { kind: 'none' } (indented code)
 * parseCommentCommand('> /promote', matrix)           // { kind: 'none' } (a quote)
 */
export function parseCommentCommand(body: string, matrix: Matrix): ParsedComment {
  const paragraph = firstParagraphLine(body.replace(/\r\n?/g, '\n').split('\n'));
  if (!paragraph) return { kind: 'none' };
  const { line: first, rest } = paragraph;
  // Only spaces and tabs separate words: a no-break space glued to the command makes it another word.
  const [word = '', ...args] = first.split(/[ \t]+/).filter(Boolean);
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
  if (name === '/revoke') {
    // The reason is the rest of the first line, as typed: one paragraph, kept in the revocation record.
    const reason = revocationReasonSchema.safeParse(first.slice(word.length));
    if (!reason.success) return { kind: 'invalid', verb: name, message: `${reason.error.issues[0]?.message ?? 'give a reason'}: write ${USAGE[name]}` };
    return { kind: 'command', command: { verb: 'revoke', reason: reason.data } };
  }
  if (!bareArgsSchema.safeParse(args).success) {
    return { kind: 'invalid', verb: name, message: `${name} takes nothing after it on its line: write ${USAGE[name]}` };
  }
  return { kind: 'command', command: { verb: name === '/promote' ? 'promote' : 'reject' } };
}
