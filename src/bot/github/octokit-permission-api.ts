import type { PermissionApi } from './check-permission.js';
import type { GitHubClient } from './github-client.js';
import { httpStatusOf } from './http-status-of.js';

/**
 * The permission check's two questions, asked of GitHub through an
 * installation's Octokit (needs the app's metadata:read and members:read).
 * A 404 means "no": not a collaborator, not a team member.
 *
 * @example
 * const verdict = await checkPermission(octokitPermissionApi(octokit), options);
 */
export function octokitPermissionApi(client: GitHubClient): PermissionApi {
  return {
    async collaboratorPermission({ owner, repo, username }) {
      try {
        const { data } = await client.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
        return { permission: data.permission, roleName: data.role_name };
      } catch (error) {
        if (httpStatusOf(error) === 404) return undefined;
        throw error;
      }
    },
    async teamMembership({ org, team, username }) {
      try {
        const { data } = await client.rest.teams.getMembershipForUserInOrg({ org, team_slug: team, username });
        return data.state;
      } catch (error) {
        if (httpStatusOf(error) === 404) return undefined;
        throw error;
      }
    },
  };
}
