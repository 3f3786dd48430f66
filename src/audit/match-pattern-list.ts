function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

/**
 * OpenSSH's `match_pattern_list`, as ssh-keygen applies it to allowed_signers
 * principals and namespaces: comma-separated patterns with `*` and `?`;
 * a pattern starting with `!` that matches rejects the value outright.
 *
 * @example
 * matchPatternList('goldsmith', 'ops@*,goldsmith')  // true
 * matchPatternList('mallory', '*,!mallory')         // false
 */
export function matchPatternList(value: string, list: string): boolean {
  let matched = false;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!globToRegExp(pattern).test(value)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}
