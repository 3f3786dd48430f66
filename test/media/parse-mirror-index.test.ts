import { describe, expect, it } from 'vitest';
import { parseMirrorIndex } from '../../src/pipeline/media/parse-mirror-index.js';

describe('parseMirrorIndex', () => {
  it('lists the files of an index page, never a folder, a parent, another host or a path', () => {
    const html = [
      '<a href="../">Parent Directory</a>',
      '<a href="ubuntu-24.04.3-live-server-amd64.iso">ubuntu-24.04.3-live-server-amd64.iso</a>',
      '<a href="./SHA256SUMS">SHA256SUMS</a>',
      '<a href="older/">older/</a>',
      '<a href="https://elsewhere.example/evil.iso">mirror</a>',
      '<a href="/etc/passwd">abs</a>',
      '<a href="..%2F..%2Fetc%2Fubuntu-24.04.9-live-server-amd64.iso">encoded traversal</a>',
      '<a href="sub%5Cubuntu-24.04.9-live-server-amd64.iso">encoded backslash</a>',
      '<a href=".hidden.iso">hidden</a>',
      '<a href="ubuntu-24.04.4-live-server-amd64.iso?C=M;O=A">sorted link</a>',
    ].join('\n');
    expect(parseMirrorIndex(html)).toEqual(['ubuntu-24.04.3-live-server-amd64.iso', 'SHA256SUMS', 'ubuntu-24.04.4-live-server-amd64.iso']);
  });
});
