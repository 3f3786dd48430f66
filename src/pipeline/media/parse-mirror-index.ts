/**
 * The file names an autoindex page links to (Apache `mod_autoindex` as on
 * Ubuntu's and Debian's mirrors, nginx `autoindex` as on Rocky's and
 * AlmaLinux's): every `href` that names a file in the same folder. Sort
 * links (`?C=N;O=D`), the parent, sub-folders and links elsewhere are left out.
 *
 * @example
 * parseMirrorIndex('<a href="ubuntu-24.04.3-live-server-amd64.iso">…</a> <a href="../">Parent</a>')
 * // ['ubuntu-24.04.3-live-server-amd64.iso']
 */
export function parseMirrorIndex(html: string): string[] {
  const names = new Set<string>();
  for (const match of html.matchAll(/<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
    let href = (match[1] ?? match[2] ?? match[3] ?? '').replace(/&amp;/g, '&').trim();
    if (!href || href.startsWith('?') || href.startsWith('#') || href.endsWith('/')) continue;
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('/')) continue;
    href = href.replace(/^\.\//, '').split(/[?#]/)[0]!;
    if (href.includes('/')) continue;
    let name: string;
    try {
      name = decodeURIComponent(href);
    } catch {
      continue;
    }
    // Checked again once decoded: `..%2Fetc%2Fx.iso` must not become a path, since the name ends up in a
    // file path (the download folder), a datastore path and a pull request bumping the matrix.
    if (/[/\\\0]/.test(name) || name.startsWith('.')) continue;
    names.add(name);
  }
  return [...names];
}
