import { describe, expect, it } from 'vitest';
import { matchPatternList } from '../../src/audit/match-pattern-list.js';

describe('matchPatternList (OpenSSH pattern lists)', () => {
  it.each([
    ['goldsmith', 'goldsmith', true],
    ['goldsmith', 'ops,goldsmith', true],
    ['goldsmith', 'gold*', true],
    ['goldsmith', 'goldsmit?', true],
    ['goldsmith', 'goldsmi?', false],
    ['goldsmith', 'g*h,!goldsmith', false],
    ['ci@example.test', '*@example.test', true],
    ['ci@example.test', '*@example.test,!ci@*', false],
    ['a.b', 'a?b', true],
    ['axb', 'a.b', false],
    ['goldsmith-record', 'goldsmith-*', true],
    ['goldsmith-record', 'git,file', false],
    ['', '*', true],
  ])('%s against "%s" is %s', (value, list, expected) => {
    expect(matchPatternList(value, list)).toBe(expected);
  });
});
