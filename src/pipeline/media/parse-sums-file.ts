/**
 * SHA-256 digests by file name from a mirror's sums file: GNU `sha256sum`
 * lines (`<hex>  name` or `<hex> *name`, Ubuntu's and Debian's SHA256SUMS)
 * and BSD tagged lines (`SHA256 (name) = <hex>`, Rocky's and AlmaLinux's
 * CHECKSUM). Other lines (comments, a PGP armour, other algorithms) are skipped.
 *
 * @example
 * parseSumsFile('SHA256 (Rocky-9.6-x86_64-dvd.iso) = ab…').get('Rocky-9.6-x86_64-dvd.iso') // 'ab…'
 */
export function parseSumsFile(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const gnu = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(line);
    const bsd = /^SHA256\s*\((.+)\)\s*=\s*([0-9a-fA-F]{64})$/.exec(line);
    if (gnu) sums.set(gnu[2]!.replace(/^\.\//, ''), gnu[1]!.toLowerCase());
    else if (bsd) sums.set(bsd[1]!.replace(/^\.\//, ''), bsd[2]!.toLowerCase());
  }
  return sums;
}
