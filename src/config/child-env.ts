/** What every child process may see: how to find programs, who and where it is, its locale, and the way out through a proxy. */
const BASICS = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TERM']);
const PROXIES = /^(https?_proxy|no_proxy|all_proxy|ftp_proxy)$/i;

/** The variables Packer and what it runs (Ansible) may see besides the basics. */
const PACKER_OWN = (name: string) => name.startsWith('PACKER_') || name.startsWith('PKR_VAR_') || name === 'CHECKPOINT_DISABLE';

/**
 * The allow-listed environment of a child process: the basics (PATH, HOME,
 * USER, LANG and LC_*, TZ, TMPDIR, proxies), the family the child is for
 * (`packer`: PACKER_*, PKR_VAR_*, CHECKPOINT_DISABLE; `none`: nothing more),
 * and the names the operator listed. Nothing else of goldsmith's environment
 * (its own credentials above all) reaches the child.
 *
 * @example
 * pickChildEnv({ PATH: '/usr/bin:/bin', HOME: '/root', PKR_VAR_iso_url: '…', SLACK_BOT_TOKEN: 'xoxb-…', AWS_PROFILE: 'images' }, { family: 'packer', pass: ['AWS_PROFILE'] })
 * // { PATH: '/usr/bin:/bin', HOME: '/root', PKR_VAR_iso_url: '…', AWS_PROFILE: 'images' }
 */
export function pickChildEnv(env: Readonly<Record<string, string>>, options: { family: 'packer' | 'none'; pass?: readonly string[] | undefined }): Record<string, string> {
  const pass = new Set(options.pass ?? []);
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const allowed = BASICS.has(name) || name.startsWith('LC_') || PROXIES.test(name) || pass.has(name) || (options.family === 'packer' && PACKER_OWN(name));
    if (allowed) picked[name] = value;
  }
  return picked;
}
