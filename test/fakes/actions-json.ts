import { createHash } from 'node:crypto';
import type { FakeArtifact, FakeRun } from './actions-types.js';
import type { Workflow } from './actions-workflow.js';

/**
 * The Actions API's JSON shapes (workflow, workflow-run, job, artifact,
 * error), with every field GitHub's OpenAPI description marks as required:
 * actions-api.test.ts validates them against it.
 */

export interface Site {
  owner: string;
  repo: string;
  /** The API base URL (`…/api/v3` on GHES). */
  apiUrl: string;
  /** The web URL that `html_url`s start with. */
  serverUrl: string;
  workflowId: number;
  repositoryId: number;
  workflow: Workflow;
}

const nodeId = (kind: string, id: number) => Buffer.from(`0${kind}${id}`).toString('base64').replace(/=+$/, '');

export function userJson(site: Site, login: string, id: number, type: 'User' | 'Organization' | 'Bot') {
  // GitHub percent-encodes a bot's brackets: `goldsmith%5Bbot%5D`, which keeps these valid URIs.
  const user = `${site.apiUrl}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: nodeId('U', id),
    avatar_url: `${site.serverUrl}/avatars/u/${id}`,
    gravatar_id: '',
    url: user,
    html_url: `${site.serverUrl}/${encodeURIComponent(login)}`,
    followers_url: `${user}/followers`,
    following_url: `${user}/following{/other_user}`,
    gists_url: `${user}/gists{/gist_id}`,
    starred_url: `${user}/starred{/owner}{/repo}`,
    subscriptions_url: `${user}/subscriptions`,
    organizations_url: `${user}/orgs`,
    repos_url: `${user}/repos`,
    events_url: `${user}/events{/privacy}`,
    received_events_url: `${user}/received_events`,
    type,
    site_admin: false,
  };
}

export function repositoryJson(site: Site) {
  const api = `${site.apiUrl}/repos/${site.owner}/${site.repo}`;
  const templated = ['archive_url:/{archive_format}{/ref}', 'assignees_url:/assignees{/user}', 'blobs_url:/git/blobs{/sha}', 'branches_url:/branches{/branch}', 'collaborators_url:/collaborators{/collaborator}', 'comments_url:/comments{/number}', 'commits_url:/commits{/sha}', 'compare_url:/compare/{base}...{head}', 'contents_url:/contents/{+path}', 'git_commits_url:/git/commits{/sha}', 'git_refs_url:/git/refs{/sha}', 'git_tags_url:/git/tags{/sha}', 'issue_comment_url:/issues/comments{/number}', 'issue_events_url:/issues/events{/number}', 'issues_url:/issues{/number}', 'keys_url:/keys{/key_id}', 'labels_url:/labels{/name}', 'milestones_url:/milestones{/number}', 'notifications_url:/notifications{?since,all,participating}', 'pulls_url:/pulls{/number}', 'releases_url:/releases{/id}', 'statuses_url:/statuses/{sha}', 'trees_url:/git/trees{/sha}'];
  const plain = ['contributors_url:/contributors', 'deployments_url:/deployments', 'downloads_url:/downloads', 'events_url:/events', 'forks_url:/forks', 'hooks_url:/hooks', 'languages_url:/languages', 'merges_url:/merges', 'stargazers_url:/stargazers', 'subscribers_url:/subscribers', 'subscription_url:/subscription', 'tags_url:/tags', 'teams_url:/teams'];
  const urls = Object.fromEntries([...templated, ...plain].map((pair) => pair.split(/:(.*)/s) as [string, string]).map(([key, suffix]) => [key, `${api}${suffix}`]));
  return {
    id: site.repositoryId,
    node_id: nodeId('R', site.repositoryId),
    name: site.repo,
    full_name: `${site.owner}/${site.repo}`,
    owner: userJson(site, site.owner, 1, 'Organization'),
    private: true,
    html_url: `${site.serverUrl}/${site.owner}/${site.repo}`,
    description: null,
    fork: false,
    url: api,
    ...urls,
  };
}

export function workflowJson(site: Site) {
  const path = `.github/workflows/${site.workflow.file}`;
  return {
    id: site.workflowId,
    node_id: nodeId('W', site.workflowId),
    name: site.workflow.name,
    path,
    state: 'active',
    created_at: '2026-01-05T09:00:00Z',
    updated_at: '2026-01-05T09:00:00Z',
    url: `${site.apiUrl}/repos/${site.owner}/${site.repo}/actions/workflows/${site.workflowId}`,
    html_url: `${site.serverUrl}/${site.owner}/${site.repo}/blob/main/${path}`,
    badge_url: `${site.serverUrl}/${site.owner}/${site.repo}/workflows/${encodeURIComponent(site.workflow.name)}/badge.svg`,
  };
}

export function runJson(site: Site, run: FakeRun) {
  const api = `${site.apiUrl}/repos/${site.owner}/${site.repo}/actions/runs/${run.id}`;
  const actor = userJson(site, 'goldsmith[bot]', 9_004_242, 'Bot');
  const repository = repositoryJson(site);
  return {
    id: run.id,
    // GitHub names the run after the workflow; run-name shows as display_title.
    name: site.workflow.name,
    node_id: nodeId('WFR', run.id),
    check_suite_id: run.id + 7_000_000_000,
    check_suite_node_id: nodeId('CS', run.id + 7_000_000_000),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: `.github/workflows/${site.workflow.file}`,
    display_title: run.displayTitle,
    run_number: run.runNumber,
    event: 'workflow_dispatch',
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: site.workflowId,
    url: api,
    html_url: `${site.serverUrl}/${site.owner}/${site.repo}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor,
    triggering_actor: actor,
    run_attempt: 1,
    referenced_workflows: [],
    run_started_at: run.runStartedAt,
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `${site.apiUrl}/repos/${site.owner}/${site.repo}/check-suites/${run.id + 7_000_000_000}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${site.apiUrl}/repos/${site.owner}/${site.repo}/actions/workflows/${site.workflowId}`,
    head_commit: {
      id: run.headSha,
      tree_id: createHash('sha1').update(`tree ${run.headSha}`).digest('hex'),
      message: 'Pin the vSphere templates',
      timestamp: '2026-01-05T09:00:00Z',
      author: { name: 'Platform Team', email: 'platform@users.noreply.github.invalid' },
      committer: { name: 'GitHub', email: 'noreply@github.invalid' },
    },
    repository,
    head_repository: repository,
    head_repository_id: site.repositoryId,
  };
}

export function jobJson(site: Site, run: FakeRun) {
  const job = run.job!;
  const api = `${site.apiUrl}/repos/${site.owner}/${site.repo}`;
  const assigned = job.runnerName !== null;
  return {
    id: job.id,
    run_id: run.id,
    workflow_name: site.workflow.name,
    head_branch: run.headBranch,
    run_url: `${api}/actions/runs/${run.id}`,
    run_attempt: 1,
    node_id: nodeId('CR', job.id),
    head_sha: run.headSha,
    url: `${api}/actions/jobs/${job.id}`,
    html_url: `${site.serverUrl}/${site.owner}/${site.repo}/actions/runs/${run.id}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: job.createdAt,
    started_at: job.startedAt,
    completed_at: job.completedAt,
    name: job.name,
    steps: job.steps.map((step) => ({ name: step.name, status: step.status, conclusion: step.conclusion, number: step.number, started_at: step.startedAt, completed_at: step.completedAt })),
    check_run_url: `${api}/check-runs/${job.id}`,
    labels: job.labels,
    runner_id: job.runnerId,
    runner_name: job.runnerName,
    runner_group_id: assigned ? 3 : null,
    runner_group_name: assigned ? 'arc-packer-vsphere' : null,
  };
}

export function artifactJson(site: Site, run: FakeRun, artifact: FakeArtifact) {
  const api = `${site.apiUrl}/repos/${site.owner}/${site.repo}/actions/artifacts/${artifact.id}`;
  return {
    id: artifact.id,
    node_id: nodeId('MDg', artifact.id),
    name: artifact.name,
    size_in_bytes: artifact.zip.length,
    url: api,
    archive_download_url: `${api}/zip`,
    expired: artifact.expired,
    created_at: artifact.createdAt,
    updated_at: artifact.createdAt,
    expires_at: artifact.expiresAt,
    digest: artifact.digest,
    workflow_run: { id: run.id, repository_id: site.repositoryId, head_repository_id: site.repositoryId, head_branch: run.headBranch, head_sha: run.headSha },
  };
}
