import { describe, expect, it } from 'vitest';
import { parseImageCommand, resolveLine } from '../../src/bot/parse-image-command.js';
import { matrixSchema } from '../../src/config/matrix-schema.js';
import { BAD_INPUT } from './bad-input-corpus.js';

const line = (key: string, aliases: string[] = []) => ({
  key, aliases, enabled: true, os: 'linux', platform: 'local', dist: 'null', version: '1', build_dir: 'ok', config: 'ok/ok.pkrvars.hcl', base_name: `tpl-${key}`,
});
const matrix = matrixSchema.parse([line('test-ok', ['ok']), line('test-fail'), line('ubuntu-24.04', ['noble'])]);
const parse = (text: string) => parseImageCommand(text, { matrix });

describe('parseImageCommand', () => {
  it('reads every verb, resolving aliases to matrix keys', () => {
    expect(parse('build ok')).toEqual({ ok: true, command: { verb: 'build', line: 'test-ok' } });
    expect(parse('  BUILD   Noble ')).toEqual({ ok: true, command: { verb: 'build', line: 'ubuntu-24.04' } });
    expect(parse('status')).toEqual({ ok: true, command: { verb: 'status' } });
    expect(parse('status 12')).toEqual({ ok: true, command: { verb: 'status', job: 12 } });
    expect(parse('status #12')).toEqual({ ok: true, command: { verb: 'status', job: 12 } });
    expect(parse('status noble')).toEqual({ ok: true, command: { verb: 'status', line: 'ubuntu-24.04' } });
    expect(parse('list')).toEqual({ ok: true, command: { verb: 'list' } });
    expect(parse('cancel 7')).toEqual({ ok: true, command: { verb: 'cancel', job: 7 } });
    expect(parse('rollback test-fail')).toEqual({ ok: true, command: { verb: 'rollback', line: 'test-fail' } });
    expect(parse('log 7')).toEqual({ ok: true, command: { verb: 'log', job: 7 } });
    expect(parse('audit')).toEqual({ ok: true, command: { verb: 'audit' } });
    expect(parse('help')).toEqual({ ok: true, command: { verb: 'help' } });
    expect(parse('')).toEqual({ ok: true, command: { verb: 'help' } });
    expect(parse('revoke noble latest CVE-2026-1234: "openssl" &lt;3.0.15')).toEqual({ ok: true, command: { verb: 'revoke', line: 'ubuntu-24.04', record: 'latest', reason: 'CVE-2026-1234: "openssl" <3.0.15' } });
    expect(parse('UNREVOKE ok 20261124t090300z not affected')).toEqual({ ok: true, command: { verb: 'unrevoke', line: 'test-ok', record: '20261124T090300Z', reason: 'not affected' } });
    expect(parse('revoke ok builds/test-ok/20261124T090300Z x')).toMatchObject({ ok: true, command: { record: 'builds/test-ok/20261124T090300Z' } });
  });

  it('refuses a revoke without a reason, with a record it cannot name, or on more than one line', () => {
    expect(parse('revoke ok latest')).toMatchObject({ ok: false, message: expect.stringContaining('give a reason') });
    expect(parse('revoke ok')).toMatchObject({ ok: false, message: expect.stringContaining('revoke needs a line, a build record and a reason') });
    expect(parse('revoke okk latest x')).toMatchObject({ ok: false, message: expect.stringContaining('unknown line "okk"') });
    expect(parse('revoke ok ../../etc x')).toMatchObject({ ok: false, message: expect.stringContaining('"../../etc" does not name a build record') });
    expect(parse('revoke ok latest first\nsecond')).toMatchObject({ ok: false, message: expect.stringContaining('one paragraph') });
    expect(parse(`revoke ok latest ${'x'.repeat(2000)}`)).toMatchObject({ ok: false, message: expect.stringContaining('longer than 1200 characters') });
  });

  it('answers an unknown word with the closest valid ones', () => {
    expect(parse('biuld ok')).toMatchObject({ ok: false, message: expect.stringContaining('unknown command "biuld"; did you mean "build"?') });
    expect(parse('stauts')).toMatchObject({ ok: false, message: expect.stringContaining('did you mean "status"?') });
    expect(parse('build test-okk')).toMatchObject({ ok: false, message: expect.stringContaining('unknown line "test-okk"; did you mean "test-ok"') });
    expect(parse('frobnicate')).toMatchObject({ ok: false, message: expect.stringContaining('Commands: build, status, list, cancel, rollback, log, revoke, unrevoke, audit, help') });
  });

  it('takes line names in any case, and refuses "all" with the reason and the CLI way', () => {
    expect(parse('build TEST-OK')).toEqual({ ok: true, command: { verb: 'build', line: 'test-ok' } });
    expect(parse('build OK')).toEqual({ ok: true, command: { verb: 'build', line: 'test-ok' } });
    expect(parse('build all')).toMatchObject({
      ok: false,
      message: expect.stringContaining('"all" is not taken here: it would queue every enabled line at once. Name one line ("/image list" shows them), run "goldsmith build all" on the goldsmith host, or leave it to the weekly schedule'),
    });
    expect(parse('build ALL')).toMatchObject({ ok: false, message: expect.stringContaining('"all" is not taken here') });
  });

  it('says what a verb needs', () => {
    expect(parse('build')).toMatchObject({ ok: false, message: expect.stringContaining('build needs <line|alias>: "/image build <line|alias>", for example "/image build ubuntu-24.04"') });
    expect(parse('cancel')).toMatchObject({ ok: false, message: expect.stringContaining('cancel needs <job>') });
    expect(parse('cancel abc')).toMatchObject({ ok: false, message: expect.stringContaining('"abc" is not a job number') });
    expect(parse('cancel 0')).toMatchObject({ ok: false, message: expect.stringContaining('"0" is not a job number') });
    expect(parse('list everything')).toMatchObject({ ok: false, message: expect.stringContaining('list takes nothing after it') });
  });

  it('uses the caller prefix in messages (the GitHub bot types /rollback)', () => {
    expect(parseImageCommand('rollback nope', { matrix, prefix: '/' })).toMatchObject({ ok: false, message: expect.stringContaining('"/list" shows every line') });
    expect(resolveLine(matrix, 'NOBLE')).toEqual({ ok: true, line: 'ubuntu-24.04' });
  });

  it.each(BAD_INPUT)('refuses $what with a clear message', ({ text, says }) => {
    const parsed = parse(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toMatch(says);
    // The refusal never echoes a long input back.
    expect(parsed.message.length).toBeLessThan(400);
  });
});
