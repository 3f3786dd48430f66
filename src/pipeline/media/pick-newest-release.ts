/** Compares names part by part, numbers as numbers: `9.10` sorts after `9.9`, `24.04.3` after `24.04`. */
export function compareReleaseNames(a: string, b: string): number {
  const parts = (name: string) => name.match(/\d+|\D+/g) ?? [];
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const [x, y] = [pa[i], pb[i]];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const [nx, ny] = [/^\d+$/.test(x), /^\d+$/.test(y)];
    if (nx && ny) return Number(x) - Number(y) || x.length - y.length;
    if (nx !== ny) return nx ? 1 : -1;
    // Text against text: "-live" sorts before ".3-live" because "-" < ".", so 24.04 is older than 24.04.3.
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The newest of the names matching `pattern` (a regular expression, as the
 * matrix `discover.pattern` gives it), or undefined when none matches.
 *
 * @example
 * pickNewestRelease(['ubuntu-24.04-live-server-amd64.iso', 'ubuntu-24.04.3-live-server-amd64.iso'], '^ubuntu-24\\.04(\\.\\d+)?-live-server-amd64\\.iso$')
 * // 'ubuntu-24.04.3-live-server-amd64.iso'
 */
export function pickNewestRelease(names: readonly string[], pattern: string): string | undefined {
  const matcher = new RegExp(pattern);
  return names.filter((name) => matcher.test(name)).sort(compareReleaseNames).at(-1);
}
