import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { createNodeMiddleware, Probot, ProbotOctokit, type Options as ProbotOptions } from 'probot';
import { parseAllowedSigners } from '../../audit/parse-allowed-signers.js';
import type { LoadedConfig } from '../../config/load-config.js';
import type { Matrix } from '../../config/matrix-schema.js';
import { SIGNATURE_NAMESPACE } from '../../evidence/sshsig.js';
import type { RecordSigner } from '../../evidence/write-record.js';
import { jobStorePathOf } from '../../pipeline/open-job-store.js';
import type { BuildThreadNotifier, GitHubAppContext, JobEvents } from './github-app-context.js';
import { parseRepoRef, type GitHubClient } from './github-client.js';
import { GitHubStore } from './github-store.js';
import { authenticateInstallation } from './authenticate-installation.js';
import { guardGitHubWebhooks } from './guard-github-webhooks.js';
import { handleIssueComment } from './handle-issue-comment.js';
import { handlePullRequestPush } from './handle-pull-request-push.js';
import { handlePullRequestReview } from './handle-pull-request-review.js';
import { notifyBuildThread } from './notify-build-thread.js';
import { openPromotionPullRequest, type OpenedPullRequest } from './open-promotion-pull-request.js';
import type { PromotionActions } from './promotion-actions.js';
import type { RevocationOperations } from '../../pipeline/revocations/revocation-operations.js';
import { issueCommentCreatedSchema, pullRequestReviewSubmittedSchema, pullRequestSynchronizeSchema } from './webhook-payload-schemas.js';
import type { GitHubAppCredentials } from '../../config/read-github-settings.js';
import { scrubText } from '../../pipeline/scrub-text.js';
import { scrubOutgoingRequests } from './scrub-outgoing-request.js';

/** Where GitHub delivers webhooks: inside serve's `/github/` mount. */
export const GITHUB_WEBHOOKS_PATH = '/github/webhooks';

export interface GitHubAppOptions {
  /** From settings.github(): APP_ID, the private key, WEBHOOK_SECRET, the API base URL. */
  credentials: GitHubAppCredentials;
  /** goldsmith.yaml: `github` (repository, base_branch, approvals), `records`, `state_dir`. */
  config: LoadedConfig;
  matrix: Matrix;
  /** Promotion and rollback (src/pipeline/promotion in serve). */
  promotion: PromotionActions;
  /** Revocations, for `/revoke` on a promotion pull request (serve passes recordRevocationOperations). */
  revocations?: RevocationOperations | undefined;
  /** The records' signer: the evidence check then requires signatures by its key. */
  signer?: RecordSigner | undefined;
  /** The job store, for the audit trail of rejections, promotions and refusals. */
  jobs?: JobEvents | undefined;
  /** Posts in a build's Slack thread (serve connects it to the Slack bot). */
  notifyBuildThread?: BuildThreadNotifier | undefined;
  /** More values never to post or log (configured secret_env values). */
  secrets?: readonly string[] | undefined;
  logger: Logger;
  /** Default `<state_dir>/jobs.sqlite`. */
  databasePath?: string | undefined;
  /** Octokit's rate-limit throttling and retries (default on). Tests turn them off: throttling spaces comment posts 3 s apart. */
  throttle?: boolean | undefined;
}

/** The mounted GitHub app of `goldsmith serve`. */
export interface GitHubApp {
  /** Node request listener for `POST /github/webhooks`; answers 404 for any other path. */
  requestListener: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Opens the promotion pull request of a sealed build record (serve calls it
   * when a job succeeds). Resolves with the pull request (an existing one for
   * a record that has it already).
   */
  openPromotionPullRequest(input: { record: string; jobId?: number | null | undefined }): Promise<OpenedPullRequest>;
  /** The promotion pull request of a job, for the Slack message's link. */
  promotionPullRequest(jobId: number): string | undefined;
  /** Resolves when no webhook or pull request is being handled. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

function allowedSignersOf(signer: RecordSigner | undefined) {
  if (!signer) return undefined;
  return parseAllowedSigners(`${signer.identity} namespaces="${SIGNATURE_NAMESPACE}" ${signer.key.publicLine}\n`, 'the signing key of goldsmith serve');
}

/**
 * The GitHub App of `goldsmith serve`, as a mountable unit: Probot verifies
 * each delivery's X-Hub-Signature-256 (400 and nothing done when it is bad or
 * missing), a signed payload goldsmith cannot read gets 400 naming the field
 * (guardGitHubWebhooks; a handler's failure gets a generic 500, its reason
 * only in the log), each delivery is handled once (X-GitHub-Delivery is kept
 * in the job store's SQLite file, so a redelivery does nothing), and comment
 * commands, approving reviews and pushes to promotion pull requests are
 * routed to their handlers. Credentials follow Probot's conventions and are
 * never logged or posted.
 *
 * @example
 * const github = await createGitHubApp({ credentials: settings.github(cwd)!, config, matrix, promotion, signer, jobs: store, logger });
 * createGoldsmithServer({ ..., github: github.requestListener });
 * queue.on('update', (job) => { if (job.state === 'succeeded' && job.recordPath) void github.openPromotionPullRequest({ record: job.recordPath, jobId: job.id }); });
 */
export async function createGitHubApp(options: GitHubAppOptions): Promise<GitHubApp> {
  const { credentials, config } = options;
  if (!config.github.repository) {
    throw new Error(`${config.file ?? 'goldsmith.yaml'}: github.repository is not set; name the repository that receives promotion pull requests ("owner/name")`);
  }
  const ref = parseRepoRef(config.github.repository);
  const store = GitHubStore.open(options.databasePath ?? jobStorePathOf(config));
  const secrets = [credentials.webhookSecret, credentials.privateKey, ...(options.secrets ?? [])].filter((value) => value.length > 0);
  const log = options.logger.child({ component: 'github' });
  const context: GitHubAppContext = {
    appId: credentials.appId,
    ref,
    settings: config.github,
    recordsRoot: config.records,
    matrix: options.matrix,
    store,
    promotion: options.promotion,
    revocations: options.revocations,
    jobs: options.jobs,
    notifyBuildThread: options.notifyBuildThread,
    allowedSigners: allowedSignersOf(options.signer),
    secrets,
    log,
  };

  const throttle = options.throttle ?? true;
  // The function form: Probot merges its own throttle options over a plain object's (probot#2039).
  const Octokit = ProbotOctokit.defaults((instanceOptions: Record<string, unknown>) => ({
    ...instanceOptions,
    ...(throttle ? {} : { throttle: { enabled: false }, retry: { enabled: false } }),
  })).plugin(scrubOutgoingRequests(secrets));
  const probot = new Probot({
    appId: credentials.appId,
    privateKey: credentials.privateKey,
    secret: credentials.webhookSecret,
    baseUrl: credentials.baseUrl,
    Octokit,
    // At debug, Probot logs every request's body (whole records, comment texts): never below info.
    // pino 9 here, pino 10 inside Probot: the same logger interface.
    log: options.logger.child({ component: 'probot' }, { level: options.logger.levelVal < 30 ? 'info' : options.logger.level }) as unknown as ProbotOptions['log'],
  });

  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  };
  /**
   * Runs a handler once per delivery id; a redelivery is logged and dropped.
   * A failure is logged (scrubbed) and answered with a generic 500: Probot
   * would otherwise send the exception's text back to whoever posted.
   */
  const once = (id: string, name: string, work: () => Promise<void>): Promise<void> => {
    if (!store.claimDelivery(id, name)) {
      log.info({ delivery: id, event: name }, 'delivery already handled; ignored');
      return Promise.resolve();
    }
    return track(
      work().catch((error: unknown) => {
        log.error({ delivery: id, event: name, err: scrubText((error as Error).message, secrets) }, 'webhook handler failed');
        throw Object.assign(new Error(`goldsmith could not handle delivery ${id}; its log has the reason`), { status: 500 });
      }),
    );
  };

  const middleware = await createNodeMiddleware(
    (app) => {
      // The guard in front has refused payloads these schemas reject; parsing again gives the handlers typed, trimmed payloads.
      app.on('issue_comment.created', (event) =>
        once(event.id, event.name, async () => handleIssueComment(context, event.octokit as GitHubClient, issueCommentCreatedSchema.parse(event.payload))),
      );
      app.on('pull_request_review.submitted', (event) =>
        once(event.id, event.name, async () => handlePullRequestReview(context, event.octokit as GitHubClient, pullRequestReviewSubmittedSchema.parse(event.payload))),
      );
      app.on('pull_request.synchronize', (event) =>
        once(event.id, event.name, async () => handlePullRequestPush(context, event.octokit as GitHubClient, pullRequestSynchronizeSchema.parse(event.payload))),
      );
      app.onError((error) => log.error({ err: scrubText(error.message, secrets) }, 'webhook not handled'));
    },
    { probot, webhooksPath: GITHUB_WEBHOOKS_PATH },
  );

  const opening = new Map<string, Promise<OpenedPullRequest>>();
  let installation: GitHubClient | undefined;
  const installationClient = async (): Promise<GitHubClient> => {
    if (installation) return installation;
    installation = await authenticateInstallation(probot, credentials.appId, ref, secrets);
    return installation;
  };

  const requestListener = guardGitHubWebhooks({
    path: GITHUB_WEBHOOKS_PATH,
    verify: (body, signature) => probot.webhooks.verify(body, signature),
    logger: log,
    next: (req, res) =>
      void middleware(req, res, () => {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('not found\n');
      }),
  });

  return {
    requestListener,
    openPromotionPullRequest: (input) => {
      // serve hears a job's success more than once: one opening per record at a time, the rest get its result.
      const pending = opening.get(input.record);
      if (pending) return pending;
      const work = track(
        (async () => {
          const opened = await openPromotionPullRequest(context, await installationClient(), input);
          if (opened.created) {
            const { jobId, url } = opened.pullRequest;
            log.info({ record: input.record, job: jobId, pull_request: url, evidence: opened.check?.conclusion }, 'promotion pull request opened');
            await notifyBuildThread(context, jobId, `Promotion pull request: ${url} (evidence check: ${opened.check?.conclusion ?? 'not run'}; comment /promote there to approve)`);
          }
          return opened;
        })(),
      ).finally(() => opening.delete(input.record));
      opening.set(input.record, work);
      return work;
    },
    promotionPullRequest: (jobId) => store.pullRequestOfJob(jobId)?.url,
    idle: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      store.close();
    },
  };
}
