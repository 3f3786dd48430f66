import type { ImageCheckResult } from '../../../evidence/run-schema.js';
import type { ImageFileSystem } from './inspect-image-debugfs.js';

/** Password fields that hold no hash: nobody can log in with a password, and there is nothing to crack. */
const NO_HASH = new Set(['*', '!', '!!', '!*', '*LK*']);

/** Files in a home folder that keep what a user typed or can log in with. */
const HISTORIES = ['.bash_history', '.sh_history', '.ash_history', '.zsh_history', '.history', '.python_history', '.mysql_history', '.psql_history'];
const AUTHORIZED_KEYS = ['.ssh/authorized_keys', '.ssh/authorized_keys2'];

const pass = (name: string, detail: string): ImageCheckResult => ({ name, result: 'pass', detail });
const fail = (name: string, detail: string): ImageCheckResult => ({ name, result: 'fail', detail });

/** Who has a password hash, or an empty password; user names only, never the hash. */
function passwordProblems(shadow: string): string[] {
  const problems: string[] = [];
  for (const line of shadow.split('\n')) {
    const [user, field] = line.split(':');
    if (!user || field === undefined || NO_HASH.has(field)) continue;
    if (field === '') problems.push(`${user} has an empty password (a console login without one)`);
    else if (field.startsWith('!')) problems.push(`${user} is locked but keeps a password hash (it can be cracked offline)`);
    else problems.push(`${user} has a password hash`);
  }
  return problems;
}

/** Home folders to look in: /root, every folder under /home, and the homes /etc/passwd gives human users (UID 1000 up). */
async function homesOf(fs: ImageFileSystem): Promise<string[]> {
  const homes = new Set(['/root']);
  for (const name of (await fs.list('/home')) ?? []) homes.add(`/home/${name}`);
  for (const line of ((await fs.read('/etc/passwd')) ?? '').split('\n')) {
    const fields = line.split(':');
    const uid = Number(fields[2]);
    if (fields[5] && uid >= 1000 && uid < 65534 && fields[5].startsWith('/')) homes.add(fields[5]);
  }
  return [...homes].sort();
}

/**
 * The account checks of the VK Cloud checklist, read offline from the image:
 * `no-password-hashes` (/etc/shadow holds no hash and no empty password),
 * `no-authorized-keys` (no authorized_keys in /root or any home) and
 * `no-shell-history` (no shell or REPL history in them). Details name users
 * and files, never a hash or a key.
 *
 * @example
 * await inspectImageAccounts(fs)
 * // [{ name: 'no-password-hashes', result: 'pass', detail: 'no password hash in /etc/shadow (24 accounts)' }, …]
 */
export async function inspectImageAccounts(fs: ImageFileSystem): Promise<ImageCheckResult[]> {
  const checks: ImageCheckResult[] = [];
  const shadow = await fs.read('/etc/shadow');
  if (shadow === undefined) checks.push(fail('no-password-hashes', 'the image has no /etc/shadow: it cannot be checked (is this a Linux root file system?)'));
  else {
    const problems = passwordProblems(shadow);
    const accounts = shadow.split('\n').filter((line) => line.includes(':')).length;
    checks.push(
      problems.length === 0
        ? pass('no-password-hashes', `no password hash and no empty password in /etc/shadow (${accounts} accounts)`)
        : fail('no-password-hashes', `/etc/shadow: ${problems.join('; ')}; set the field to '*' (usermod -p '*' USER) in the clean-up step`),
    );
  }
  const homes = await homesOf(fs);
  const found = async (names: readonly string[]) => {
    const hits: string[] = [];
    for (const home of homes) for (const name of names) if ((await fs.stat(`${home}/${name}`)) !== undefined) hits.push(`${home}/${name}`);
    return hits;
  };
  const keys = await found(AUTHORIZED_KEYS);
  checks.push(
    keys.length === 0
      ? pass('no-authorized-keys', `no authorized_keys in ${homes.join(', ')}`)
      : fail('no-authorized-keys', `${keys.join(', ')} left in the image: every VM made from it would let that key in; remove them in the clean-up step (cloud-init installs each VM's own key)`),
  );
  const histories = await found(HISTORIES);
  checks.push(
    histories.length === 0
      ? pass('no-shell-history', `no shell history in ${homes.join(', ')}`)
      : fail('no-shell-history', `${histories.join(', ')} left in the image: remove shell history in the clean-up step`),
  );
  return checks;
}
