import type { Config } from '../../config/config-schema.js';
import { mentionId } from './slack-text.js';

export type SlackPermission = keyof Config['slack']['permissions'];

export interface SlackAuthorizerOptions {
  /** `slack.permissions` of goldsmith.yaml: user ids (U…, W…) and user group ids (S…) per action. */
  permissions: Config['slack']['permissions'];
  /** The members of a user group: usergroups.users.list. */
  listMembers: (groupId: string) => Promise<string[]>;
  /** How long a group's members are trusted before they are read again (default 5 minutes). */
  ttlMs?: number;
  now?: () => number;
}

interface CachedGroup {
  members: Set<string>;
  readAt: number;
}

/**
 * Decides who may build, cancel and roll back. User ids are compared
 * directly; user groups are read with usergroups.users.list and cached, and a
 * stale group is used while it is read again in the background, so a check
 * almost never waits on Slack. Everyone may read status.
 *
 * @example
 * const authorizer = new SlackAuthorizer({ permissions: config.slack.permissions, listMembers });
 * const verdict = await authorizer.check('build', 'U123');
 * if (verdict !== true) return ack(verdict); // the message names the missing permission
 */
export class SlackAuthorizer {
  private readonly groups = new Map<string, CachedGroup>();
  private readonly reading = new Map<string, Promise<CachedGroup>>();

  constructor(private readonly options: SlackAuthorizerOptions) {}

  /** Reads every group named in the permissions now, so the first check is answered from memory. */
  async warm(): Promise<void> {
    const ids = new Set(Object.values(this.options.permissions).flat().filter((id) => id.startsWith('S')));
    await Promise.all([...ids].map((id) => this.read(id).catch(() => undefined)));
  }

  /** True, or the message the user sees: which permission is missing and who grants it. */
  async check(permission: SlackPermission, user: string): Promise<true | string> {
    const allowed = this.options.permissions[permission];
    if (allowed.includes(user)) return true;
    const unreadable: string[] = [];
    for (const group of allowed.filter((id) => id.startsWith('S'))) {
      try {
        if ((await this.members(group)).has(user)) return true;
      } catch {
        unreadable.push(group);
      }
    }
    const where = `slack.permissions.${permission} in goldsmith.yaml`;
    if (allowed.length === 0) return `you need the *${permission}* permission, and no one holds it yet: a goldsmith operator grants it in ${where} (docs/slack.md)`;
    const holders = allowed.map(mentionId).join(', ');
    const caveat = unreadable.length > 0 ? ` (the members of ${unreadable.map(mentionId).join(', ')} could not be read from Slack just now; try again, or check the app has the usergroups:read scope)` : '';
    return `you need the *${permission}* permission: it is held by ${holders}${caveat}. Ask one of them, or a goldsmith operator (${where}), to add you`;
  }

  private async members(group: string): Promise<Set<string>> {
    const cached = this.groups.get(group);
    const now = (this.options.now ?? Date.now)();
    if (!cached) return (await this.read(group)).members;
    if (now - cached.readAt > (this.options.ttlMs ?? 300_000)) this.read(group).catch(() => undefined);
    return cached.members;
  }

  /** One read per group at a time; a failed read keeps the last good answer. */
  private read(group: string): Promise<CachedGroup> {
    let pending = this.reading.get(group);
    if (!pending) {
      pending = this.options
        .listMembers(group)
        .then((members) => {
          const entry = { members: new Set(members), readAt: (this.options.now ?? Date.now)() };
          this.groups.set(group, entry);
          return entry;
        })
        .finally(() => this.reading.delete(group));
      this.reading.set(group, pending);
    }
    return pending;
  }
}
