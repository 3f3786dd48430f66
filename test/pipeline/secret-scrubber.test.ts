import { describe, expect, it } from 'vitest';
import { REDACTED, SecretScrubber } from '../../src/pipeline/secret-scrubber.js';

function scrubAll(secrets: string[], chunks: Array<string | Buffer>): string {
  const scrubber = new SecretScrubber(secrets);
  const out = chunks.map((chunk) => scrubber.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  return Buffer.concat([...out, scrubber.end()]).toString('utf8');
}

describe('SecretScrubber', () => {
  it('replaces a secret, and its URL- and JSON-escaped forms', () => {
    const secret = 'p@ss w"rd/1';
    const text = `a ${secret} b ${encodeURIComponent(secret)} c ${JSON.stringify(secret)}\n`;
    const out = scrubAll([secret], [text]);
    expect(out).toBe(`a ${REDACTED} b ${REDACTED} c "${REDACTED}"\n`);
  });

  it('catches a secret split across two writes, and across every split point', () => {
    const secret = 'Vc3nter-Pa55';
    const line = `1795511562,,ui,message,    null.a: password=${secret} done\n`;
    for (let cut = 1; cut < line.length; cut++) {
      const out = scrubAll([secret], [line.slice(0, cut), line.slice(cut)]);
      expect(out, `split at ${cut}`).not.toContain('Pa55');
      expect(out).toContain(REDACTED);
    }
  });

  it('catches a secret split inside a very long line without a newline', () => {
    const secret = 'longline-secret-value';
    const filler = 'x'.repeat(70 * 1024);
    const out = scrubAll([secret], [filler + secret.slice(0, 5), secret.slice(5) + filler]);
    expect(out).not.toContain(secret);
    expect(out.length).toBe(filler.length * 2 + REDACTED.length);
  });

  it('keeps multi-byte characters intact when a chunk splits them', () => {
    const text = Buffer.from('café ünïcode ✓\n');
    expect(scrubAll(['nothing-here'], [text.subarray(0, 4), text.subarray(4)])).toBe('café ünïcode ✓\n');
  });

  it('removes bearer tokens, Slack and GitHub tokens, and private-key blocks as a backstop', () => {
    const out = scrubAll(
      [],
      [
        'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig\n',
        'slack xoxb-1234567890-abcdefghij\n',
        'gh ghp_abcdefghijklmnopqrstuvwxyz0123\n',
        '1795511562,,ui,message,    null.a: -----BEGIN OPENSSH PRIVATE KEY-----\n',
        '1795511562,,ui,message,    null.a: b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n',
        '1795511562,,ui,message,    null.a: -----END OPENSSH PRIVATE KEY-----\nafter\n',
      ],
    );
    expect(out).not.toMatch(/eyJhbGci|xoxb-1234567890|ghp_abc|b3BlbnNzaC1rZXkt|BEGIN OPENSSH/);
    expect(out).toContain(`Bearer ${REDACTED}`);
    expect(out).toContain(`1795511562,,ui,message,${REDACTED}\n`);
    expect(out.endsWith('after\n')).toBe(true);
  });

  it('removes secrets by shape in an `env | sort` dump: Slack app tokens, fine-grained GitHub tokens, AWS keys, NAME=value secrets, URL passwords', () => {
    const dump = [
      'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
      'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'DATABASE_URL=postgres://app:db-Pa55word@db.internal:5432/app',
      'GH=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
      'MY_API_TOKEN=t0k3n-value',
      'SLACK_APP=xapp-1-A0123456789-1234567890123-abcdef',
      'SLACK_SIGNING_SECRET=8f742231b10e8888abcd99yyyzzz85a5',
      'PATH=/usr/bin:/bin',
      '',
    ].join('\n');
    const out = scrubAll([], [dump]);
    for (const leaked of ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI', 'db-Pa55word', 'github_pat_11', 't0k3n-value', 'xapp-1-A0123', '8f742231b10e']) expect(out).not.toContain(leaked);
    expect(out).toContain(`DATABASE_URL=postgres://app:${REDACTED}@db.internal:5432/app`);
    expect(out).toContain(`SLACK_SIGNING_SECRET=${REDACTED}`);
    expect(out).toContain('PATH=/usr/bin:/bin');
  });

  it('passes text without secrets through unchanged', () => {
    expect(scrubAll(['s3cret'], ['line one\n', 'line two'])).toBe('line one\nline two');
  });
});
