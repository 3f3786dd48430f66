import { z } from 'zod';
import type { Matrix } from '../config/matrix-schema.js';
import { closestNames } from '../config/select-lines.js';
import { isRevokeText, parseRevokeCommand, type RevokeCommand } from './parse-revoke-command.js';

/**
 * The `/image` grammar, shared by the Slack bot (`/image build win2025`) and
 * the GitHub bot (`/rollback win2025` in a comment). Pure: it reads the text
 * and the matrix, nothing else. Every line it returns is a key taken from the
 * matrix, never the user's text, so nothing a user typed reaches a command
 * line.
 */

/** One parsed command. `line` is always a matrix key. */
export type ImageCommand =
  | { verb: 'help' }
  | { verb: 'build'; line: string }
  | { verb: 'status'; job?: number; line?: string }
  | { verb: 'list' }
  | { verb: 'cancel'; job: number }
  | { verb: 'rollback'; line: string }
  | { verb: 'log'; job: number }
  | { verb: 'audit' }
  | RevokeCommand;

export type ImageVerb = ImageCommand['verb'];

/** The parse result: the command, or the message the user sees (already says how to fix it). */
export type ParsedImageCommand = { ok: true; command: ImageCommand } | { ok: false; message: string };

/** Every verb with its usage, what it does and an example, for help texts. */
export const IMAGE_COMMANDS: ReadonlyArray<{ verb: ImageVerb; usage: string; summary: string; example: string }> = [
  { verb: 'build', usage: 'build <line|alias>', summary: 'queue a build of one OS line', example: 'build ubuntu-24.04' },
  { verb: 'status', usage: 'status [job|line]', summary: 'running and recent jobs, one job, or one line', example: 'status 12' },
  { verb: 'list', usage: 'list', summary: 'each line: current template, -prev, last build, last promotion', example: 'list' },
  { verb: 'cancel', usage: 'cancel <job>', summary: 'cancel a queued job or stop a running one', example: 'cancel 12' },
  { verb: 'rollback', usage: 'rollback <line>', summary: 'make <base>-prev the current template again (asks to confirm)', example: 'rollback ubuntu-24.04' },
  { verb: 'log', usage: 'log <job>', summary: "the end of a job's log (secrets scrubbed)", example: 'log 12' },
  { verb: 'revoke', usage: 'revoke <line> <record> <reason>', summary: 'revoke a build (latest, its timestamp or builds/<line>/<ts>): it can no longer be promoted', example: 'revoke ubuntu-24.04 latest CVE-2026-1234 in openssl' },
  { verb: 'unrevoke', usage: 'unrevoke <line> <record> <reason>', summary: 'lift the revocation of a build', example: 'unrevoke ubuntu-24.04 latest the CVE does not apply' },
  { verb: 'audit', usage: 'audit', summary: 'verify every evidence record and summarise the findings', example: 'audit' },
  { verb: 'help', usage: 'help', summary: 'this list', example: 'help' },
];

export interface ParseImageCommandOptions {
  /** The lines a command may name: keys and aliases. */
  matrix: Matrix;
  /** How the command is typed, for messages: `/image ` in Slack, `/` for GitHub comments. */
  prefix?: string;
}

/** Longest text accepted: a command is a verb and one argument, so anything longer is not one. */
export const MAX_COMMAND_LENGTH = 200;

// Slack escapes these three in command text; decode them so a refusal shows what the user typed.
const decodeSlackEntities = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The whole text: bounded, one line, plain ASCII words. Each refusal names the offending character. */
const commandTextSchema = z
  .string()
  .max(MAX_COMMAND_LENGTH, `the command is longer than ${MAX_COMMAND_LENGTH} characters; an /image command is a verb and at most one word, such as "build ubuntu-24.04"`)
  .superRefine((text, ctx) => {
    // eslint-disable-next-line no-control-regex
    const control = /[\u0000-\u001f\u007f]/.exec(text);
    if (control) {
      ctx.addIssue({ code: 'custom', message: `the command holds a line break or control character (${codePoint(control[0])}); send it on one line` });
      return;
    }
    const foreign = /[^\u0020-\u007e]/u.exec(text);
    if (foreign) {
      ctx.addIssue({
        code: 'custom',
        message: `the command holds "${foreign[0]}" (${codePoint(foreign[0])}), which is not a plain ASCII character; retype it (look-alike dashes and letters from copy-paste are refused)`,
      });
      return;
    }
    const symbol = /[^A-Za-z0-9 #._-]/.exec(text);
    if (symbol) {
      ctx.addIssue({
        code: 'custom',
        message: `the command holds "${symbol[0]}", which no /image command uses: commands are a verb, then a line name (letters, digits, dots, dashes) or a job number`,
      });
    }
  })
  .transform((text) => text.trim().split(/ +/).filter(Boolean).map((word) => word.toLowerCase()));

/** A job number as users type it: `12` or `#12`. */
const jobIdSchema = z
  .string()
  .regex(/^#?\d{1,9}$/)
  .transform((word) => Number(word.replace('#', '')))
  .refine((id) => id > 0);

const VERBS = IMAGE_COMMANDS.map((command) => command.verb);

function quoteList(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(' or ');
}

/**
 * Resolves a line name (key or alias, any case) to its matrix key, or the
 * message naming the closest ones.
 *
 * @example
 * resolveLine(matrix, 'noble') // { ok: true, line: 'ubuntu-24.04' }
 */
export function resolveLine(matrix: Matrix, word: string, prefix = '/image '): { ok: true; line: string } | { ok: false; message: string } {
  const wanted = word.toLowerCase();
  if (wanted === 'all') {
    // One word that queues every line is kept off chat, where a slip of the thumb costs a night of builds.
    return { ok: false, message: `"all" is not taken here: it would queue every enabled line at once. Name one line ("${prefix}list" shows them), run "goldsmith build all" on the goldsmith host, or leave it to the weekly schedule` };
  }
  const same = (name: string) => name.toLowerCase() === wanted;
  const entry = matrix.find((candidate) => same(candidate.key) || candidate.aliases.some(same));
  if (entry) return { ok: true, line: entry.key };
  const suggestions = closestNames(wanted, matrix.flatMap((candidate) => [candidate.key, ...candidate.aliases]));
  return {
    ok: false,
    message: `unknown line "${word}"${suggestions.length > 0 ? `; did you mean ${quoteList(suggestions)}?` : '.'} "${prefix}list" shows every line`,
  };
}

/**
 * Parses the text after the command name (`build win2025`) into a command.
 * Only plain ASCII words are accepted; the empty text is `help`.
 *
 * @example
 * parseImageCommand('build noble', { matrix }) // { ok: true, command: { verb: 'build', line: 'ubuntu-24.04' } }
 * parseImageCommand('biuld noble', { matrix }) // { ok: false, message: 'unknown command "biuld"; did you mean "build"? ...' }
 */
export function parseImageCommand(text: string, options: ParseImageCommandOptions): ParsedImageCommand {
  const prefix = options.prefix ?? '/image ';
  // The reason is free text, so revoke and unrevoke have a grammar of their own (still one line, plain words for line and record).
  if (isRevokeText(text)) return parseRevokeCommand(text, options.matrix, prefix);
  const checked = commandTextSchema.safeParse(decodeSlackEntities(text));
  if (!checked.success) return { ok: false, message: `${checked.error.issues[0]?.message ?? 'the command could not be read'}. Try "${prefix}help".` };
  const [verbWord = 'help', ...args] = checked.data;
  const spec = IMAGE_COMMANDS.find((command) => command.verb === verbWord);
  if (!spec) {
    const suggestions = closestNames(verbWord, VERBS);
    return {
      ok: false,
      message: `unknown command "${verbWord}"${suggestions.length > 0 ? `; did you mean ${quoteList(suggestions)}?` : '.'} Commands: ${VERBS.join(', ')}; "${prefix}help" explains them`,
    };
  }
  const usage = `"${prefix}${spec.usage}", for example "${prefix}${spec.example}"`;
  const takes = (min: number, max: number): string | undefined => {
    if (args.length < min) return `${spec.verb} needs ${spec.usage.slice(spec.verb.length + 1)}: ${usage}`;
    if (args.length > max) return `${spec.verb} takes ${max === 0 ? 'nothing after it' : 'one word after it'}, not ${args.length}: ${usage}`;
    return undefined;
  };
  const job = (word: string): { ok: true; id: number } | { ok: false; message: string } => {
    const parsed = jobIdSchema.safeParse(word);
    return parsed.success ? { ok: true, id: parsed.data } : { ok: false, message: `"${word}" is not a job number; "${prefix}status" lists the jobs` };
  };

  switch (spec.verb) {
    case 'help':
    case 'list':
    case 'audit': {
      const problem = takes(0, 0);
      return problem ? { ok: false, message: problem } : { ok: true, command: { verb: spec.verb } };
    }
    case 'build':
    case 'rollback': {
      const problem = takes(1, 1);
      if (problem) return { ok: false, message: problem };
      const line = resolveLine(options.matrix, args[0]!, prefix);
      return line.ok ? { ok: true, command: { verb: spec.verb, line: line.line } } : line;
    }
    case 'cancel':
    case 'log': {
      const problem = takes(1, 1);
      if (problem) return { ok: false, message: problem };
      const id = job(args[0]!);
      return id.ok ? { ok: true, command: { verb: spec.verb, job: id.id } } : id;
    }
    case 'revoke':
    case 'unrevoke':
      return parseRevokeCommand(text, options.matrix, prefix);
    case 'status': {
      const problem = takes(0, 1);
      if (problem) return { ok: false, message: problem };
      if (args.length === 0) return { ok: true, command: { verb: 'status' } };
      const word = args[0]!;
      if (/^#?\d+$/.test(word)) {
        const id = job(word);
        return id.ok ? { ok: true, command: { verb: 'status', job: id.id } } : id;
      }
      const line = resolveLine(options.matrix, word, prefix);
      return line.ok ? { ok: true, command: { verb: 'status', line: line.line } } : line;
    }
  }
}
