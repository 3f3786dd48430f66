import { describe, expect, test } from 'vitest';
import { checkFourEyes } from '../../src/bot/github/check-four-eyes.js';
import { isBotAccount } from '../../src/bot/github/is-bot-account.js';
import { parseCommentCommand } from '../../src/bot/github/parse-comment-command.js';
import { readBodyBinding } from '../../src/bot/github/render-pull-request.js';
import { loadMatrix } from '../../src/config/load-matrix.js';

const matrix = loadMatrix(new URL('../fixtures/lines/matrix.json', import.meta.url).pathname);

describe('parseCommentCommand', () => {
  test.each([
    ['/promote', { verb: 'promote' }],
    ['  /PROMOTE  \nShipped after checking the log.', { verb: 'promote' }],
    ['/reject\r\nwrong ISO', { verb: 'reject' }],
    ['/rollback test-ok', { verb: 'rollback', line: 'test-ok' }],
    ['/rollback OK', { verb: 'rollback', line: 'test-ok' }],
    ['/revoke CVE-2026-1234: "openssl" <3.0.15\nmore notes', { verb: 'revoke', reason: 'CVE-2026-1234: "openssl" <3.0.15' }],
    ['/REVOKE   wrong ISO  ', { verb: 'revoke', reason: 'wrong ISO' }],
  ])('%j is a command', (body, command) => {
    expect(parseCommentCommand(body, matrix)).toEqual({ kind: 'command', command });
  });

  test.each([
    ['/revoke', /^give a reason/],
    ['/revoke \t', /^give a reason/],
    [`/revoke ${'x'.repeat(1001)}`, /at most 1000 characters/],
  ])('%j is refused with the fix', (body, message) => {
    expect(parseCommentCommand(body, matrix)).toMatchObject({ kind: 'invalid', verb: '/revoke', message: expect.stringMatching(message) });
  });

  test.each(['LGTM', 'please /promote', '/lgtm', '/promoted', '', '> /promote\nquoted', '`/promote`'])('%j is not for goldsmith', (body) => {
    expect(parseCommentCommand(body, matrix)).toEqual({ kind: 'none' });
  });

  describe('only a plain Markdown paragraph opening the comment gives a command', () => {
    test.each([
      ['leading blank lines', '\n\n  \n/promote'],
      ['1 space (still a paragraph in CommonMark)', ' /promote'],
      ['3 spaces (still a paragraph in CommonMark)', '   /promote\nnotes'],
      ['notes after a blank line', '/promote\n\nnotes'],
      ['a thematic break after it', '/promote\n***'],
      ['a list after it', '/promote\n- checked the log'],
      ['a setext-looking line after a blank line', '/promote\n\n---'],
    ])('%s: counts', (_case, body) => {
      expect(parseCommentCommand(body, matrix)).toEqual({ kind: 'command', command: { verb: 'promote' } });
    });

    test.each([
      ['indented 4 spaces (code block)', '    /promote'],
      ['indented by a tab (code block)', '\t/promote'],
      ['space and tab (4 columns: code block)', ' \t/promote'],
      ['indented after blank lines', '\n    /promote'],
      ['fenced with backticks', '```\n/promote\n```'],
      ['fenced with tildes', '~~~\n/promote\n~~~'],
      ['fence with the command as its info string', '```/promote\n```'],
      ['block quote', '> /promote'],
      ['block quote without a space', '>/promote'],
      ['nested quote', '> > /promote'],
      ['bullet list item', '- /promote'],
      ['star list item', '* /promote'],
      ['ordered list item', '1. /promote'],
      ['HTML', '<p>/promote</p>'],
      ['HTML comment first', '<!-- note -->\n/promote'],
      ['ATX heading', '# /promote'],
      ['setext heading', '/promote\n---'],
      ['setext heading after notes', '/promote\nnotes\n==='],
      ['command on the second line', 'Looks good.\n/promote'],
      ['command after other text', 'Looks good, /promote'],
      ['a no-break space before it', '\u00a0/promote'],
      ['code span', '`/promote` is how you approve'],
    ])('%s: ignored', (_case, body) => {
      expect(parseCommentCommand(body, matrix)).toEqual({ kind: 'none' });
    });
  });

  test.each([
    ['/promote now', /takes nothing after it/],
    ['/reject /promote', /takes nothing after it/],
    ['/promote\n/rollback test-ok', /one command per comment/],
    ['/rollback', /rollback needs <line>/],
    ['/rollback test-ok test-ok-2', /takes one word after it/],
    ['/rollback nope', /unknown line "nope"/],
    ['/rollback test‐ok', /not a plain ASCII character/],
  ])('%j is refused with the reason', (body, message) => {
    const parsed = parseCommentCommand(body, matrix);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.message).toMatch(message);
  });
});

describe('checkFourEyes', () => {
  const requestedBy = { source: 'github' as const, user: 'Alice' };
  test('the requester (any case), a bot, or the human author of the pull request may not approve', () => {
    expect(checkFourEyes({ approver: { login: 'alice', type: 'User' }, requestedBy, pullRequestAuthor: undefined })).toMatch(/four eyes/);
    expect(checkFourEyes({ approver: { login: 'ci[bot]', type: 'Bot' }, requestedBy, pullRequestAuthor: undefined })).toMatch(/is a bot/);
    expect(checkFourEyes({ approver: { login: 'bob', type: 'User' }, requestedBy, pullRequestAuthor: { login: 'bob', type: 'User' } })).toMatch(/opened this pull request/);
  });
  test('anyone else may', () => {
    expect(checkFourEyes({ approver: { login: 'bob', type: 'User' }, requestedBy, pullRequestAuthor: { login: 'goldsmith[bot]', type: 'Bot' } })).toBe(true);
    expect(checkFourEyes({ approver: { login: 'alice', type: 'User' }, requestedBy: { source: 'slack', user: 'U0ALICE' }, pullRequestAuthor: undefined })).toBe(true);
  });
  test('bots are known by type or by a [bot] login', () => {
    expect(isBotAccount({ login: 'dependabot[bot]' })).toBe(true);
    expect(isBotAccount({ login: 'robot', type: 'Bot' })).toBe(true);
    expect(isBotAccount({ login: 'robot', type: 'User' })).toBe(false);
  });
});

describe('readBodyBinding', () => {
  test('reads the record and digest back, or nothing from an edited body', () => {
    const digest = 'ab'.repeat(32);
    expect(readBodyBinding(`text\n<!-- goldsmith:record=builds/test-ok/20261124T090300Z sha256=${digest} -->\n`)).toEqual({ record: 'builds/test-ok/20261124T090300Z', sumsSha256: digest });
    expect(readBodyBinding('text only')).toBeUndefined();
    expect(readBodyBinding(null)).toBeUndefined();
  });
});
