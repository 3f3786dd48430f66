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
  ])('%j is a command', (body, command) => {
    expect(parseCommentCommand(body, matrix)).toEqual({ kind: 'command', command });
  });

  test.each(['LGTM', 'please /promote', '/lgtm', '/promoted', '', '> /promote\nquoted', '`/promote`'])('%j is not for goldsmith', (body) => {
    expect(parseCommentCommand(body, matrix)).toEqual({ kind: 'none' });
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
