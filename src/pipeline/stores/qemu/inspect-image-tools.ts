/**
 * The environment the checklist's tools run with: the caller's (from
 * settings), with the system folders added to PATH, because debugfs and
 * sfdisk live in /usr/sbin, which a non-root user's PATH leaves out.
 *
 * @example
 * toolEnv({ PATH: '/usr/bin:/bin', HOME: '/home/ci' }) // { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: '/home/ci' }
 */
export function toolEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const path = (env.PATH ?? '/usr/bin:/bin').split(':').filter(Boolean);
  for (const extra of ['/usr/sbin', '/sbin']) if (!path.includes(extra)) path.push(extra);
  return { ...env, PATH: path.join(':') };
}
