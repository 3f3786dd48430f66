import { createHash, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeActions } from './actions-api.js';

/**
 * A fake of GitHub's REST API for one repository and one GitHub App
 * installation: what goldsmith's GitHub app calls, in GitHub's wire format
 * (paths, status codes, JSON shapes, `bearer <JWT>` for app calls and
 * `token <installation token>` for the rest). It keeps the repository's Git
 * objects (blobs, trees, commits with real Git SHA-1s), refs, pull requests,
 * comments, reactions and check runs in memory, merges like GitHub (refusing
 * conflicts and stale heads), and records every call.
 *
 * @example
 * const github = await FakeGitHub.start({ owner: 'acme', repo: 'images', appId: 4242, publicKey });
 * github.setPermission('bob', 'write');
 * // APP_ID=4242 GITHUB_API_URL=github.url ...
 */

export type Role = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export interface RecordedCall {
  method: string;
  /** The path as sent, decoded: `/repos/acme/images/git/ref/heads/main`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** How the call authenticated: as the app (JWT), as the installation (token), or not at all. */
  auth: 'app' | 'installation' | 'none' | 'invalid';
  status: number;
}

export interface Account {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

interface TreeEntry {
  name: string;
  mode: string;
  type: 'blob' | 'tree';
  sha: string;
}

interface Commit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author: { name: string; email: string; date: string };
}

export interface PullRequest {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  user: Account;
  head: string;
  base: string;
  merged: boolean;
  mergeCommitSha: string | null;
  createdAt: string;
  closedAt: string | null;
}

export interface IssueComment {
  id: number;
  issueNumber: number;
  body: string;
  user: Account;
  createdAt: string;
  viaApp: boolean;
}

export interface Reaction {
  id: number;
  commentId: number;
  content: string;
  user: Account;
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: string;
  message: string;
  title?: string;
}

export interface CheckRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  annotations: Annotation[];
  startedAt: string | null;
  completedAt: string | null;
  /** The app that made it: this fake's app unless set. */
  appId?: number;
}

export interface FakeGitHubOptions {
  owner: string;
  repo: string;
  appId: number;
  appSlug?: string;
  /** The app's public key (PEM or KeyObject): app JWTs must verify against it. */
  publicKey: string | KeyObject;
  installationId?: number;
  defaultBranch?: string;
  /** Milliseconds every answer waits before it is sent, as a distant API would (default 0). */
  latencyMs?: number;
  /** Serves this fake Actions API too (`/repos/{o}/{r}/actions/…` and its blob URLs), accepting this fake's installation tokens. */
  actions?: FakeActions;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const sha1 = (...parts: Array<string | Buffer>) => {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};
const base64url = (text: string) => Buffer.from(text, 'base64url');

/** Git sorts tree entries by name, comparing a subtree as if its name ended in '/'. */
const treeOrder = (a: TreeEntry, b: TreeEntry) => {
  const ka = a.type === 'tree' ? `${a.name}/` : a.name;
  const kb = b.type === 'tree' ? `${b.name}/` : b.name;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

export class FakeGitHub {
  readonly calls: RecordedCall[] = [];
  url = '';
  readonly owner: string;
  readonly repo: string;
  readonly appId: number;
  readonly appSlug: string;
  readonly installationId: number;
  readonly defaultBranch: string;
  readonly bot: Account;
  /** Every installation token handed out: tests check none of them leaks. */
  readonly issuedTokens: string[] = [];

  readonly blobs = new Map<string, Buffer>();
  readonly trees = new Map<string, TreeEntry[]>();
  readonly commits = new Map<string, Commit>();
  /** `heads/<branch>` to commit SHA. */
  readonly refs = new Map<string, string>();
  readonly pulls = new Map<number, PullRequest>();
  readonly comments: IssueComment[] = [];
  readonly reactions: Reaction[] = [];
  readonly checkRuns: CheckRun[] = [];
  private readonly roles = new Map<string, Role>();
  private readonly teams = new Map<string, Set<string>>();
  private readonly accounts = new Map<string, Account>();
  private readonly triggers: Array<{ method: string; path: RegExp; action: () => void }> = [];
  private readonly publicKey: KeyObject;
  private nextNumber = 1;
  private nextId = 1000;
  private server: Server | undefined;
  private readonly latencyMs: number;
  private readonly actions: FakeActions | undefined;

  private constructor(options: FakeGitHubOptions) {
    this.owner = options.owner;
    this.repo = options.repo;
    this.appId = options.appId;
    this.appSlug = options.appSlug ?? 'goldsmith';
    this.installationId = options.installationId ?? 777;
    this.defaultBranch = options.defaultBranch ?? 'main';
    this.publicKey = typeof options.publicKey === 'string' ? createPublicKey(options.publicKey) : options.publicKey;
    this.latencyMs = options.latencyMs ?? 0;
    this.actions = options.actions;
    this.bot = { login: `${this.appSlug}[bot]`, id: 9_000_000 + this.appId, type: 'Bot' };
    const readme = this.putBlob(Buffer.from(`# ${this.repo}\n\nGolden image evidence.\n`));
    const tree = this.writeTree(new Map([['README.md', { mode: '100644', sha: readme }]]));
    this.refs.set(`heads/${this.defaultBranch}`, this.putCommit({ tree, parents: [], message: 'Initial commit' }));
  }

  /** Starts the fake on 127.0.0.1 at a free port; `url` is the API base URL. */
  static async start(options: FakeGitHubOptions): Promise<FakeGitHub> {
    const fake = new FakeGitHub(options);
    fake.server = createServer((req, res) => void fake.handle(req, res));
    fake.server.listen(0, '127.0.0.1');
    await once(fake.server, 'listening');
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    fake.actions?.attach(fake.url, (credential) => fake.issuedTokens.includes(credential));
    return fake;
  }

  async close(): Promise<void> {
    await this.actions?.close();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  // ---- set-up and inspection for tests ----

  /** A person (or bot) GitHub knows. */
  account(login: string, type: Account['type'] = 'User'): Account {
    let account = this.accounts.get(login);
    if (!account) {
      account = { login, id: 100_000 + this.accounts.size, type };
      this.accounts.set(login, account);
    }
    return account;
  }

  setPermission(login: string, role: Role): void {
    this.account(login);
    this.roles.set(login, role);
  }

  addTeamMember(org: string, team: string, login: string): void {
    this.account(login);
    const key = `${org}/${team}`.toLowerCase();
    if (!this.teams.has(key)) this.teams.set(key, new Set());
    this.teams.get(key)!.add(login);
  }

  /** A comment written by a person (as the web UI would): what a webhook then reports. */
  addComment(issueNumber: number, login: string, body: string, type: Account['type'] = 'User'): IssueComment {
    const comment: IssueComment = { id: this.nextId++, issueNumber, body, user: this.account(login, type), createdAt: now(), viaApp: false };
    this.comments.push(comment);
    return comment;
  }

  /** A commit pushed by a person to `branch`: each path set to new content, or removed with null. */
  pushCommit(branch: string, login: string, changes: Record<string, string | Buffer | null>, message: string): string {
    const parent = this.refs.get(`heads/${branch}`);
    if (!parent) throw new Error(`no branch ${branch}`);
    const files = this.flatten(this.commits.get(parent)!.tree);
    for (const [path, content] of Object.entries(changes)) {
      if (content === null) files.delete(path);
      else files.set(path, { mode: files.get(path)?.mode ?? '100644', sha: this.putBlob(Buffer.from(content)) });
    }
    const sha = this.putCommit({ tree: this.writeTree(files), parents: [parent], message, author: login });
    this.refs.set(`heads/${branch}`, sha);
    return sha;
  }

  /** The files of a branch or commit: path to mode and content. */
  files(refOrSha: string): Map<string, { mode: string; content: Buffer }> {
    const sha = this.refs.get(`heads/${refOrSha}`) ?? refOrSha;
    const commit = this.commits.get(sha);
    if (!commit) throw new Error(`no branch or commit ${refOrSha}`);
    return new Map([...this.flatten(commit.tree)].map(([path, entry]) => [path, { mode: entry.mode, content: this.blobs.get(entry.sha)! }]));
  }

  headOf(branch: string): string | undefined {
    return this.refs.get(`heads/${branch}`);
  }

  parentsOf(sha: string): string[] {
    return this.commits.get(sha)?.parents ?? [];
  }

  commentsOn(issueNumber: number): IssueComment[] {
    return this.comments.filter((comment) => comment.issueNumber === issueNumber);
  }

  /** The app's own replies on an issue or pull request. */
  repliesOn(issueNumber: number): string[] {
    return this.commentsOn(issueNumber)
      .filter((comment) => comment.viaApp)
      .map((comment) => comment.body);
  }

  reactionsOn(commentId: number): string[] {
    return this.reactions.filter((reaction) => reaction.commentId === commentId).map((reaction) => reaction.content);
  }

  /** Runs `action` once, right after the next call matching `method` and `path` is answered: to change the repository at an exact moment. */
  once(method: string, path: RegExp, action: () => void): void {
    this.triggers.push({ method, path, action });
  }

  /** A check run made by another app (or a workflow) on `sha`. */
  addForeignCheckRun(sha: string, name: string, conclusion: string): void {
    this.checkRuns.push({ id: this.nextId++, name, headSha: sha, status: 'completed', conclusion, title: 'looks fine', summary: '', annotations: [], startedAt: now(), completedAt: now(), appId: 31337 });
  }

  callsMatching(method: string, path: RegExp): RecordedCall[] {
    return this.calls.filter((call) => call.method === method && path.test(call.path));
  }

  /**
   * Drops every blob no branch reaches any more, as Git's garbage collection
   * does with a deleted branch's objects; returns how many went.
   */
  collectGarbage(): number {
    const reachable = new Set<string>();
    for (const head of this.refs.values()) {
      for (const commit of this.ancestors(head)) {
        const tree = this.commits.get(commit)?.tree;
        if (tree) for (const entry of this.flatten(tree).values()) reachable.add(entry.sha);
      }
    }
    let dropped = 0;
    for (const sha of [...this.blobs.keys()]) {
      if (reachable.has(sha)) continue;
      this.blobs.delete(sha);
      dropped += 1;
    }
    return dropped;
  }

  // ---- Git objects ----

  private putBlob(content: Buffer): string {
    const sha = sha1(`blob ${content.length}\0`, content);
    this.blobs.set(sha, content);
    return sha;
  }

  private putTree(entries: TreeEntry[]): string {
    const sorted = [...entries].sort(treeOrder);
    const body = Buffer.concat(sorted.map((entry) => Buffer.concat([Buffer.from(`${entry.type === 'tree' ? '40000' : entry.mode} ${entry.name}\0`), Buffer.from(entry.sha, 'hex')])));
    const sha = sha1(`tree ${body.length}\0`, body);
    this.trees.set(sha, sorted);
    return sha;
  }

  private putCommit(commit: { tree: string; parents: string[]; message: string; author?: string }): string {
    const date = now();
    const name = commit.author ?? this.bot.login;
    const author = { name, email: `${name}@users.noreply.github.invalid`, date };
    const stamp = `${name} <${author.email}> ${Math.floor(Date.parse(date) / 1000)} +0000`;
    const text = [`tree ${commit.tree}`, ...commit.parents.map((parent) => `parent ${parent}`), `author ${stamp}`, `committer ${stamp}`, '', commit.message].join('\n');
    const sha = sha1(`commit ${Buffer.byteLength(text)}\0`, text);
    this.commits.set(sha, { sha, tree: commit.tree, parents: commit.parents, message: commit.message, author });
    return sha;
  }

  /** Path to {mode, sha} for every blob under a tree. */
  private flatten(treeSha: string, prefix = ''): Map<string, { mode: string; sha: string }> {
    const out = new Map<string, { mode: string; sha: string }>();
    for (const entry of this.trees.get(treeSha) ?? []) {
      const path = `${prefix}${entry.name}`;
      if (entry.type === 'tree') for (const [sub, value] of this.flatten(entry.sha, `${path}/`)) out.set(sub, value);
      else out.set(path, { mode: entry.mode, sha: entry.sha });
    }
    return out;
  }

  /** Builds nested trees from a flat path map; returns the root tree's SHA. */
  private writeTree(files: Map<string, { mode: string; sha: string }>): string {
    const root = new Map<string, unknown>();
    for (const [path, value] of files) {
      const parts = path.split('/');
      let node = root;
      for (const part of parts.slice(0, -1)) {
        if (!node.has(part)) node.set(part, new Map<string, unknown>());
        node = node.get(part) as Map<string, unknown>;
      }
      node.set(parts.at(-1)!, value);
    }
    const write = (node: Map<string, unknown>): string =>
      this.putTree(
        [...node].map(([name, value]) =>
          value instanceof Map ? { name, mode: '040000', type: 'tree' as const, sha: write(value as Map<string, unknown>) } : { name, type: 'blob' as const, ...(value as { mode: string; sha: string }) },
        ),
      );
    return write(root);
  }

  private isAncestor(ancestor: string, of: string): boolean {
    const seen = new Set<string>();
    const stack = [of];
    while (stack.length > 0) {
      const sha = stack.pop()!;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      stack.push(...(this.commits.get(sha)?.parents ?? []));
    }
    return false;
  }

  private ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(this.commits.get(next)?.parents ?? []));
    }
    return seen;
  }

  /** The tree a merge of `theirs` into `ours` produces, or undefined on a conflict (a path both sides changed differently). */
  private mergeTrees(ours: string, theirs: string): string | undefined {
    if (this.isAncestor(ours, theirs)) return this.commits.get(theirs)!.tree;
    const theirAncestors = this.ancestors(theirs);
    const base = [...this.ancestors(ours)].find((sha) => theirAncestors.has(sha));
    const files = (sha: string | undefined) => (sha ? this.flatten(this.commits.get(sha)!.tree) : new Map<string, { mode: string; sha: string }>());
    const [b, o, t] = [files(base), files(ours), files(theirs)];
    const out = new Map<string, { mode: string; sha: string }>();
    const key = (entry: { mode: string; sha: string } | undefined) => (entry ? `${entry.mode}:${entry.sha}` : '');
    for (const path of new Set([...b.keys(), ...o.keys(), ...t.keys()])) {
      const [kb, ko, kt] = [key(b.get(path)), key(o.get(path)), key(t.get(path))];
      const pick = ko === kt ? o.get(path) : ko === kb ? t.get(path) : kt === kb ? o.get(path) : null;
      if (pick === null) return undefined;
      if (pick) out.set(path, pick);
    }
    return this.writeTree(out);
  }

  // ---- HTTP ----

  private authOf(req: IncomingMessage): RecordedCall['auth'] {
    const header = req.headers.authorization ?? '';
    const [scheme = '', credential = ''] = header.split(' ');
    if (!header) return 'none';
    if (scheme.toLowerCase() === 'bearer') {
      const [head = '', payload = '', signature = ''] = credential.split('.');
      const signed = verify('RSA-SHA256', Buffer.from(`${head}.${payload}`), this.publicKey, base64url(signature));
      const claims = JSON.parse(base64url(payload).toString('utf8') || '{}') as { iss?: unknown; exp?: number };
      return signed && String(claims.iss) === String(this.appId) && (claims.exp ?? 0) * 1000 > Date.now() ? 'app' : 'invalid';
    }
    if (scheme.toLowerCase() === 'token') return this.issuedTokens.includes(credential) ? 'installation' : 'invalid';
    return 'invalid';
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.actions && FakeActions.serves(req.url ?? '/')) return this.actions.handle(req, res, Buffer.concat(chunks));
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const call: RecordedCall = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries(url.searchParams),
      body: raw ? (JSON.parse(raw) as unknown) : undefined,
      auth: this.authOf(req),
      status: 0,
    };
    this.calls.push(call);
    let status = 200;
    let payload: unknown;
    try {
      [status, payload] = this.route(call, url.pathname);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      status = error.status;
      payload = { message: error.message, ...(error.errors ? { errors: error.errors } : {}), documentation_url: 'https://docs.github.com/rest', status: String(error.status) };
    }
    call.status = status;
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-request-id': randomBytes(4).toString('hex'), 'x-ratelimit-remaining': '4999' });
    res.end(status === 204 ? undefined : JSON.stringify(payload));
    const trigger = this.triggers.findIndex((candidate) => candidate.method === call.method && candidate.path.test(call.path));
    if (trigger >= 0) this.triggers.splice(trigger, 1)[0]!.action();
  }

  private repoJson() {
    return { id: 1296269, name: this.repo, full_name: `${this.owner}/${this.repo}`, owner: { login: this.owner, id: 1, type: 'Organization' }, private: true, default_branch: this.defaultBranch };
  }

  private pullJson(pr: PullRequest) {
    const head = this.refs.get(`heads/${pr.head}`) ?? pr.mergeCommitSha;
    const base = this.refs.get(`heads/${pr.base}`);
    const html = `https://github.invalid/${this.owner}/${this.repo}/pull/${pr.number}`;
    return {
      id: 50_000 + pr.number,
      number: pr.number,
      url: `${this.url}/repos/${this.owner}/${this.repo}/pulls/${pr.number}`,
      html_url: html,
      state: pr.state,
      locked: false,
      title: pr.title,
      body: pr.body,
      user: pr.user,
      draft: false,
      merged: pr.merged,
      mergeable: pr.state === 'open' ? true : null,
      merge_commit_sha: pr.mergeCommitSha,
      created_at: pr.createdAt,
      updated_at: now(),
      closed_at: pr.closedAt,
      merged_at: pr.merged ? pr.closedAt : null,
      head: { label: `${this.owner}:${pr.head}`, ref: pr.head, sha: head, user: { login: this.owner }, repo: this.repoJson() },
      base: { label: `${this.owner}:${pr.base}`, ref: pr.base, sha: base, user: { login: this.owner }, repo: this.repoJson() },
    };
  }

  private commentJson(comment: IssueComment) {
    return {
      id: comment.id,
      node_id: `IC_${comment.id}`,
      body: comment.body,
      user: comment.user,
      created_at: comment.createdAt,
      updated_at: comment.createdAt,
      html_url: `https://github.invalid/${this.owner}/${this.repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
      issue_url: `${this.url}/repos/${this.owner}/${this.repo}/issues/${comment.issueNumber}`,
      author_association: comment.viaApp ? 'NONE' : 'MEMBER',
      performed_via_github_app: comment.viaApp ? { id: this.appId, slug: this.appSlug, name: this.appSlug } : null,
    };
  }

  private checkJson(run: CheckRun) {
    return {
      id: run.id,
      head_sha: run.headSha,
      name: run.name,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.startedAt,
      completed_at: run.completedAt,
      output: { title: run.title, summary: run.summary, text: null, annotations_count: run.annotations.length, annotations_url: '' },
      app: run.appId === undefined ? { id: this.appId, slug: this.appSlug, name: this.appSlug } : { id: run.appId, slug: 'other-app', name: 'other-app' },
      html_url: `https://github.invalid/${this.owner}/${this.repo}/runs/${run.id}`,
    };
  }

  private commitJson(commit: Commit) {
    return {
      sha: commit.sha,
      node_id: `C_${commit.sha}`,
      url: `${this.url}/repos/${this.owner}/${this.repo}/git/commits/${commit.sha}`,
      html_url: `https://github.invalid/${this.owner}/${this.repo}/commit/${commit.sha}`,
      author: commit.author,
      committer: commit.author,
      message: commit.message,
      tree: { sha: commit.tree, url: `${this.url}/repos/${this.owner}/${this.repo}/git/trees/${commit.tree}` },
      parents: commit.parents.map((sha) => ({ sha, url: `${this.url}/repos/${this.owner}/${this.repo}/git/commits/${sha}`, html_url: '' })),
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null },
    };
  }

  private refJson(name: string) {
    const sha = this.refs.get(name)!;
    return { ref: `refs/${name}`, node_id: `REF_${name}`, url: `${this.url}/repos/${this.owner}/${this.repo}/git/refs/${name}`, object: { sha, type: 'commit', url: `${this.url}/repos/${this.owner}/${this.repo}/git/commits/${sha}` } };
  }

  private treeJson(sha: string, recursive: boolean) {
    const entries: Array<{ path: string; mode: string; type: string; sha: string; size?: number; url: string }> = [];
    const walk = (treeSha: string, prefix: string) => {
      for (const entry of this.trees.get(treeSha) ?? []) {
        const path = `${prefix}${entry.name}`;
        entries.push({
          path,
          mode: entry.mode,
          type: entry.type,
          sha: entry.sha,
          ...(entry.type === 'blob' ? { size: this.blobs.get(entry.sha)!.length } : {}),
          url: `${this.url}/repos/${this.owner}/${this.repo}/git/${entry.type}s/${entry.sha}`,
        });
        if (recursive && entry.type === 'tree') walk(entry.sha, `${path}/`);
      }
    };
    walk(sha, '');
    return { sha, url: `${this.url}/repos/${this.owner}/${this.repo}/git/trees/${sha}`, tree: entries, truncated: false };
  }

  private requireAuth(call: RecordedCall, kind: 'app' | 'installation'): void {
    if (call.auth !== kind) throw new HttpError(401, kind === 'app' ? 'A JSON web token could not be decoded' : 'Bad credentials');
  }

  private route(call: RecordedCall, rawPath: string): [number, unknown] {
    const { method } = call;
    const body = (call.body ?? {}) as Record<string, any>;
    const match = (pattern: RegExp) => pattern.exec(rawPath)?.slice(1).map((part) => decodeURIComponent(part));

    // ---- the app itself (JWT) ----
    if (method === 'GET' && rawPath === '/app') {
      this.requireAuth(call, 'app');
      return [200, { id: this.appId, slug: this.appSlug, name: this.appSlug, owner: { login: this.owner } }];
    }
    let m = match(/^\/repos\/([^/]+)\/([^/]+)\/installation$/);
    if (method === 'GET' && m) {
      this.requireAuth(call, 'app');
      if (m[0] !== this.owner || m[1] !== this.repo) throw new HttpError(404, 'Not Found');
      return [200, { id: this.installationId, app_id: this.appId, app_slug: this.appSlug, account: { login: this.owner, type: 'Organization' }, target_type: 'Organization', repository_selection: 'selected', permissions: {}, events: [] }];
    }
    m = match(/^\/app\/installations\/(\d+)\/access_tokens$/);
    if (method === 'POST' && m) {
      this.requireAuth(call, 'app');
      if (Number(m[0]) !== this.installationId) throw new HttpError(404, 'Not Found');
      const token = `ghs_${randomBytes(18).toString('hex')}`;
      this.issuedTokens.push(token);
      return [
        201,
        {
          token,
          expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          permissions: { contents: 'write', pull_requests: 'write', checks: 'write', issues: 'write', members: 'read', metadata: 'read' },
          repository_selection: 'selected',
        },
      ];
    }

    // ---- organisation teams ----
    m = match(/^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/);
    if (method === 'GET' && m) {
      this.requireAuth(call, 'installation');
      const members = this.teams.get(`${m[0]}/${m[1]}`.toLowerCase());
      if (!members?.has(m[2]!)) throw new HttpError(404, 'Not Found');
      return [200, { url: '', role: 'member', state: 'active' }];
    }

    // ---- the repository (installation token) ----
    const repo = match(/^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/);
    if (!repo) throw new HttpError(404, 'Not Found');
    this.requireAuth(call, 'installation');
    if (repo[0] !== this.owner || repo[1] !== this.repo) throw new HttpError(404, 'Not Found');
    const rest = rawPath.slice(`/repos/${encodeURIComponent(this.owner)}/${encodeURIComponent(this.repo)}`.length);
    const sub = (pattern: RegExp) => pattern.exec(rest)?.slice(1).map((part) => decodeURIComponent(part));

    if (method === 'GET' && (m = sub(/^\/collaborators\/([^/]+)\/permission$/))) {
      const login = m[0]!;
      if (!this.accounts.has(login)) throw new HttpError(404, 'Not Found');
      const role = this.roles.get(login);
      const permission = role === 'admin' ? 'admin' : role === 'maintain' || role === 'write' ? 'write' : role === 'triage' || role === 'read' ? 'read' : 'none';
      return [200, { permission, role_name: role ?? 'none', user: this.accounts.get(login) }];
    }

    // Git refs
    if (method === 'GET' && (m = sub(/^\/git\/ref\/(.+)$/))) {
      if (!this.refs.has(m[0]!)) throw new HttpError(404, 'Not Found');
      return [200, this.refJson(m[0]!)];
    }
    if (method === 'POST' && rest === '/git/refs') {
      const name = String(body.ref ?? '').replace(/^refs\//, '');
      if (!String(body.ref).startsWith('refs/') || !name.includes('/')) throw new HttpError(422, 'Reference name is invalid');
      if (!this.commits.has(body.sha)) throw new HttpError(422, 'Object does not exist');
      if (this.refs.has(name)) throw new HttpError(422, 'Reference already exists');
      this.refs.set(name, body.sha);
      return [201, this.refJson(name)];
    }
    if (method === 'PATCH' && (m = sub(/^\/git\/refs\/(.+)$/))) {
      const name = m[0]!;
      const current = this.refs.get(name);
      if (!current) throw new HttpError(422, 'Reference does not exist');
      if (!this.commits.has(body.sha)) throw new HttpError(422, 'Object does not exist');
      if (!body.force && !this.isAncestor(current, body.sha)) throw new HttpError(422, 'Update is not a fast forward');
      this.refs.set(name, body.sha);
      return [200, this.refJson(name)];
    }

    // Git objects
    if (method === 'POST' && rest === '/git/blobs') {
      const content = Buffer.from(String(body.content ?? ''), body.encoding === 'base64' ? 'base64' : 'utf8');
      const sha = this.putBlob(content);
      return [201, { sha, url: `${this.url}/repos/${this.owner}/${this.repo}/git/blobs/${sha}` }];
    }
    if (method === 'GET' && (m = sub(/^\/git\/blobs\/([0-9a-f]{40})$/))) {
      const content = this.blobs.get(m[0]!);
      if (!content) throw new HttpError(404, 'Not Found');
      // GitHub wraps base64 at 60 characters.
      const encoded = content.toString('base64').replace(/.{60}/g, '$&\n');
      return [200, { sha: m[0], node_id: `B_${m[0]}`, size: content.length, url: '', content: encoded, encoding: 'base64' }];
    }
    if (method === 'POST' && rest === '/git/trees') {
      const files = body.base_tree ? this.flatten(body.base_tree as string) : new Map<string, { mode: string; sha: string }>();
      if (body.base_tree && !this.trees.has(body.base_tree)) throw new HttpError(422, 'base_tree is not a tree');
      for (const entry of (body.tree ?? []) as Array<{ path: string; mode: string; type: string; sha?: string | null; content?: string }>) {
        if (!['100644', '100755', '120000', '040000', '160000'].includes(entry.mode)) throw new HttpError(422, `Invalid tree info: mode ${entry.mode}`);
        if (entry.sha === null) {
          files.delete(entry.path);
          continue;
        }
        const sha = entry.content !== undefined ? this.putBlob(Buffer.from(entry.content)) : entry.sha!;
        if (!this.blobs.has(sha)) throw new HttpError(422, `tree.sha ${sha} is not a valid blob`);
        files.set(entry.path, { mode: entry.mode, sha });
      }
      const sha = this.writeTree(files);
      return [201, this.treeJson(sha, false)];
    }
    if (method === 'GET' && (m = sub(/^\/git\/trees\/([0-9a-f]{40})$/))) {
      if (!this.trees.has(m[0]!)) throw new HttpError(404, 'Not Found');
      return [200, this.treeJson(m[0]!, Boolean(call.query.recursive))];
    }
    if (method === 'POST' && rest === '/git/commits') {
      if (!this.trees.has(body.tree)) throw new HttpError(422, 'Tree SHA does not exist');
      for (const parent of body.parents ?? []) if (!this.commits.has(parent)) throw new HttpError(422, 'Parent SHA does not exist or is not a commit object');
      const sha = this.putCommit({ tree: body.tree, parents: body.parents ?? [], message: String(body.message ?? '') });
      return [201, this.commitJson(this.commits.get(sha)!)];
    }
    if (method === 'GET' && (m = sub(/^\/git\/commits\/([0-9a-f]{40})$/))) {
      const commit = this.commits.get(m[0]!);
      if (!commit) throw new HttpError(404, 'Not Found');
      return [200, this.commitJson(commit)];
    }

    // Pull requests
    if (method === 'POST' && rest === '/pulls') {
      const head = String(body.head ?? '').replace(new RegExp(`^${this.owner}:`), '');
      if (!this.refs.has(`heads/${head}`)) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
      if (!this.refs.has(`heads/${body.base}`)) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
      if ([...this.pulls.values()].some((pr) => pr.state === 'open' && pr.head === head && pr.base === body.base)) {
        throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${this.owner}:${head}.` }]);
      }
      const pr: PullRequest = { number: this.nextNumber++, title: body.title, body: body.body ?? null, state: 'open', user: call.auth === 'installation' ? this.bot : this.account('unknown'), head, base: body.base, merged: false, mergeCommitSha: null, createdAt: now(), closedAt: null };
      this.pulls.set(pr.number, pr);
      return [201, this.pullJson(pr)];
    }
    if (method === 'GET' && rest === '/pulls') {
      const head = call.query.head?.replace(new RegExp(`^${this.owner}:`), '');
      const state = call.query.state ?? 'open';
      const found = [...this.pulls.values()].filter((pr) => (!head || pr.head === head) && (state === 'all' || pr.state === state));
      return [200, found.map((pr) => this.pullJson(pr))];
    }
    if ((m = sub(/^\/pulls\/(\d+)$/))) {
      const pr = this.pulls.get(Number(m[0]));
      if (!pr) throw new HttpError(404, 'Not Found');
      if (method === 'GET') return [200, this.pullJson(pr)];
      if (method === 'PATCH') {
        if (body.title !== undefined) pr.title = body.title;
        if (body.body !== undefined) pr.body = body.body;
        if (body.state === 'closed' && pr.state === 'open') Object.assign(pr, { state: 'closed', closedAt: now() });
        if (body.state === 'open' && pr.state === 'closed' && !pr.merged) Object.assign(pr, { state: 'open', closedAt: null });
        return [200, this.pullJson(pr)];
      }
    }
    if (method === 'PUT' && (m = sub(/^\/pulls\/(\d+)\/merge$/))) {
      const pr = this.pulls.get(Number(m[0]));
      if (!pr) throw new HttpError(404, 'Not Found');
      if (pr.state !== 'open') throw new HttpError(405, 'Pull Request is not mergeable');
      const headSha = this.refs.get(`heads/${pr.head}`)!;
      if (body.sha && body.sha !== headSha) throw new HttpError(409, 'Head branch was modified. Review and try the merge again.');
      const baseSha = this.refs.get(`heads/${pr.base}`)!;
      const tree = this.mergeTrees(baseSha, headSha);
      if (!tree) throw new HttpError(405, 'Merge conflict');
      const method_ = body.merge_method ?? 'merge';
      const message = `${body.commit_title ?? `Merge pull request #${pr.number} from ${this.owner}/${pr.head}`}${body.commit_message ? `\n\n${body.commit_message}` : ''}`;
      const sha = this.putCommit({ tree, parents: method_ === 'merge' ? [baseSha, headSha] : [baseSha], message });
      this.refs.set(`heads/${pr.base}`, sha);
      Object.assign(pr, { state: 'closed', merged: true, mergeCommitSha: sha, closedAt: now() });
      return [200, { sha, merged: true, message: 'Pull Request successfully merged' }];
    }

    // Comments and reactions
    if (method === 'POST' && (m = sub(/^\/issues\/(\d+)\/comments$/))) {
      const number = Number(m[0]);
      if (!this.pulls.has(number)) throw new HttpError(404, 'Not Found');
      const comment: IssueComment = { id: this.nextId++, issueNumber: number, body: String(body.body ?? ''), user: this.bot, createdAt: now(), viaApp: true };
      this.comments.push(comment);
      return [201, this.commentJson(comment)];
    }
    if (method === 'POST' && (m = sub(/^\/issues\/comments\/(\d+)\/reactions$/))) {
      const commentId = Number(m[0]);
      if (!this.comments.some((comment) => comment.id === commentId)) throw new HttpError(404, 'Not Found');
      const allowed = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'];
      if (!allowed.includes(body.content)) throw new HttpError(422, 'Validation Failed', [{ resource: 'Reaction', field: 'content', code: 'invalid' }]);
      const existing = this.reactions.find((reaction) => reaction.commentId === commentId && reaction.content === body.content && reaction.user.login === this.bot.login);
      if (existing) return [200, { id: existing.id, content: existing.content, user: existing.user, created_at: now() }];
      const reaction: Reaction = { id: this.nextId++, commentId, content: body.content, user: this.bot };
      this.reactions.push(reaction);
      return [201, { id: reaction.id, node_id: `R_${reaction.id}`, content: reaction.content, user: reaction.user, created_at: now() }];
    }

    // Check runs
    if (method === 'POST' && rest === '/check-runs') {
      if (!this.commits.has(body.head_sha)) throw new HttpError(422, 'No commit found for SHA');
      const run: CheckRun = {
        id: this.nextId++,
        name: body.name,
        headSha: body.head_sha,
        status: body.conclusion ? 'completed' : (body.status ?? 'queued'),
        conclusion: body.conclusion ?? null,
        title: body.output?.title ?? null,
        summary: body.output?.summary ?? null,
        annotations: [...(body.output?.annotations ?? [])],
        startedAt: body.started_at ?? now(),
        completedAt: body.completed_at ?? null,
      };
      this.checkRuns.push(run);
      return [201, this.checkJson(run)];
    }
    if (method === 'PATCH' && (m = sub(/^\/check-runs\/(\d+)$/))) {
      const run = this.checkRuns.find((candidate) => candidate.id === Number(m![0]));
      if (!run) throw new HttpError(404, 'Not Found');
      if ((body.output?.annotations ?? []).length > 50) throw new HttpError(422, 'Only 50 annotations may be sent per request');
      if (body.status) run.status = body.status;
      if (body.conclusion) Object.assign(run, { conclusion: body.conclusion, status: 'completed' });
      if (body.completed_at) run.completedAt = body.completed_at;
      if (body.output) {
        run.title = body.output.title ?? run.title;
        run.summary = body.output.summary ?? run.summary;
        // GitHub appends the annotations of each update.
        run.annotations.push(...(body.output.annotations ?? []));
      }
      return [200, this.checkJson(run)];
    }
    if (method === 'GET' && (m = sub(/^\/commits\/([^/]+)\/check-runs$/))) {
      const sha = this.refs.get(`heads/${m[0]}`) ?? m[0]!;
      let runs = this.checkRuns.filter((run) => run.headSha === sha && (!call.query.check_name || run.name === call.query.check_name));
      if ((call.query.filter ?? 'latest') === 'latest') runs = runs.filter((run) => !runs.some((other) => other.name === run.name && other.id > run.id));
      runs = [...runs].reverse();
      return [200, { total_count: runs.length, check_runs: runs.map((run) => this.checkJson(run)) }];
    }

    throw new HttpError(404, 'Not Found');
  }
}
