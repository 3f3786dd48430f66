/** The two GitHub calls a permission check makes, narrowed so any Octokit (or a test double of GitHub itself) fits. */
export interface PermissionApi {
  /** GET /repos/{owner}/{repo}/collaborators/{username}/permission */
  collaboratorPermission(args: { owner: string; repo: string; username: string }): Promise<{ permission: string; roleName: string | undefined } | undefined>;
  /** GET /orgs/{org}/teams/{team_slug}/memberships/{username}: the state, or undefined when not a member. */
  teamMembership(args: { org: string; team: string; username: string }): Promise<'active' | 'pending' | undefined>;
}

export interface CheckPermissionOptions {
  owner: string;
  repo: string;
  login: string;
  /** `github.approver_teams`: team slugs of the repository's organisation, or `org/slug`. */
  teams: readonly string[];
  /** What the user tried, for the message: `promote`, `reject`, `roll back`. */
  action: string;
}

/** Roles that can push: `permission` reports maintain as write, and custom roles by their base. */
const WRITERS = new Set(['admin', 'write']);
const WRITER_ROLES = new Set(['admin', 'maintain', 'write']);

/**
 * Decides whether `login` may act on promotion pull requests: write,
 * maintain or admin on the repository, as GitHub answers it now (never the
 * webhook's `author_association`, which only says how someone relates to
 * the repository's history), or active membership of a configured team.
 * Returns true, or the message the user sees.
 *
 * @example
 * const verdict = await checkPermission(api, { owner: 'acme', repo: 'images', login: 'bob', teams: ['platform'], action: 'promote' });
 * if (verdict !== true) return refuse(verdict);
 */
export async function checkPermission(api: PermissionApi, options: CheckPermissionOptions): Promise<true | string> {
  const { owner, repo, login } = options;
  const found = await api.collaboratorPermission({ owner, repo, username: login });
  if (found && (WRITERS.has(found.permission) || WRITER_ROLES.has(found.roleName ?? ''))) return true;
  for (const entry of options.teams) {
    const [org, team] = entry.includes('/') ? (entry.split('/', 2) as [string, string]) : [owner, entry];
    if ((await api.teamMembership({ org, team, username: login })) === 'active') return true;
  }
  const has = found && found.permission !== 'none' ? `has ${found.roleName ?? found.permission} access to ${owner}/${repo}` : `has no access to ${owner}/${repo}`;
  const teams = options.teams.length > 0 ? ` or membership of ${options.teams.map((team) => `\`${team.includes('/') ? team : `${owner}/${team}`}\``).join(', ')}` : '';
  return `@${login} ${has}; to ${options.action} you need write, maintain or admin on the repository${teams}. Ask a repository admin to grant it`;
}
