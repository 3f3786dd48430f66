import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createGitHubApp, GITHUB_WEBHOOKS_PATH, type GitHubApp } from '../../../src/bot/github/create-github-app.js';
import type { PromotionActions } from '../../../src/bot/github/promotion-actions.js';
import { readGitHubSettings } from '../../../src/config/read-github-settings.js';
import { storePromotionActions } from '../../../src/bot/github/store-promotion-actions.js';
import { recordRevocationOperations } from '../../../src/pipeline/revocations/revocation-operations.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { loadMatrix } from '../../../src/config/load-matrix.js';
import { readSigner } from '../../../src/evidence/read-signer.js';
import type { Requester } from '../../../src/evidence/run-schema.js';
import { writeKeyFiles } from '../../../src/evidence/write-key-files.js';
import { writeRecord, type WrittenRecord } from '../../../src/evidence/write-record.js';
import { JobStore } from '../../../src/pipeline/job-store.js';
import { jobStorePathOf } from '../../../src/pipeline/open-job-store.js';
import { findInfraBinary } from '../../../src/pipeline/stores/vsphere/find-infra-binary.js';
import { Govc } from '../../../src/pipeline/stores/vsphere/govc.js';
import { readVsphereConnection } from '../../../src/pipeline/stores/vsphere/read-vsphere-connection.js';
import { seedTemplate } from '../../../src/pipeline/stores/vsphere/seed-template.js';
import { startVcsim, type Vcsim } from '../../../src/pipeline/stores/vsphere/start-vcsim.js';
import { createGoldsmithServer } from '../../../src/server.js';
import { FakeGitHub, type Account } from '../../fakes/github-api.js';
import type { PipelineEnv } from '../../helpers/pipeline-env.js';
import { buildDetails, makeTempDir } from '../../helpers/write-chain.js';
import { commentCreated, deliverWebhook, type Delivered } from './webhooks.js';
import { TEST_SETTINGS } from '../../helpers/test-settings.js';
import { Settings } from '../../../src/config/settings.js';

export const OWNER = 'acme';
export const REPO = 'images';
export const APP_ID = 4242;
/** The templates folder on the simulator. */
export const FOLDER = '/DC0/vm/Templates';
/** The vCenter password: it must never reach a comment or a log line. */
export const VSPHERE_PASSWORD = 'sim-password-never-posted';

/** vSphere lines on the simulator: `sim-a` … `sim-h`, base name `tpl-<key>`, alias `<letter>`. */
export const SIM_LINES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((letter) => ({
  key: `sim-${letter}`,
  aliases: [`line-${letter}`],
  enabled: true,
  os: 'linux',
  platform: 'vsphere',
  dist: 'null',
  version: '1',
  build_dir: 'ok',
  config: 'ok/ok.pkrvars.hcl',
  base_name: `tpl-sim-${letter}`,
  timeout_minutes: 5,
}));

export interface GitHubHarness {
  env: PipelineEnv;
  github: FakeGitHub;
  app: GitHubApp;
  jobs: JobStore;
  sim: Vcsim;
  govc: Govc;
  /** The webhook URL: POST /github/webhooks on goldsmith's HTTP server. */
  webhookUrl: string;
  secret: string;
  privateKeyPem: string;
  /** Everything goldsmith logged, as text. */
  logs: () => string;
  /** What reached the build's Slack thread: [jobId, text]. */
  thread: Array<[number, string]>;
  /**
   * A finished build of a simulator line, as the queue leaves it: a job,
   * `<base>-build` on the simulator, and the sealed build record naming it.
   */
  sealBuild(line: string, requestedBy: Requester): Promise<WrittenRecord>;
  /** The template names in the templates folder, sorted. */
  templates(): Promise<string[]>;
  /** The promotion and rollback records of a line on the goldsmith host. */
  promotionsOf(line: string): string[];
  /** Posts a comment as `user` on issue or pull request `number`, and delivers its webhook. */
  comment(number: number, user: Account, body: string, options?: { onIssue?: boolean; id?: string }): Promise<Delivered & { commentId: number }>;
  deliver(event: string, payload: unknown, options?: { id?: string; signature?: string | null }): Promise<Delivered>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** goldsmith.yaml lines under `github:` besides the repository. */
  githubYaml?: string[];
  /** Wraps the real promotion (to hold it at its start, for concurrency tests). */
  wrapPromotion?: (actions: PromotionActions) => PromotionActions;
  /** More matrix entries (a QEMU line, say), and goldsmith.yaml lines for them. */
  extraLines?: Array<Record<string, unknown>>;
  extraYaml?: string[];
  /** More settings for the promotion (a Proxmox API's PROXMOX_*). */
  extraEnv?: Record<string, string>;
}

/** A goldsmith working folder: the test lines plus SIM_LINES under packer/, a signing key, goldsmith.yaml. */
function makeEnv(options: HarnessOptions): PipelineEnv {
  const dir = makeTempDir('goldsmith-github-');
  cpSync(new URL('../../fixtures/lines', import.meta.url).pathname, join(dir, 'packer'), { recursive: true });
  const matrixFile = join(dir, 'packer', 'matrix.json');
  writeFileSync(matrixFile, JSON.stringify([...(JSON.parse(readFileSync(matrixFile, 'utf8')) as object[]), ...SIM_LINES, ...(options.extraLines ?? [])], null, 2));
  writeKeyFiles(join(dir, 'keys'), 'goldsmith');
  const configFile = join(dir, 'goldsmith.yaml');
  const github = ['github:', `  repository: ${OWNER}/${REPO}`, ...(options.githubYaml ?? []).map((line) => `  ${line}`)];
  const vsphere = ['vsphere:', '  datacenter: DC0', '  folder: Templates'];
  writeFileSync(configFile, ['records: records', 'state_dir: state', 'signing:', '  key: keys/signing.key', ...github, ...vsphere, ...(options.extraYaml ?? []), ''].join('\n'));
  const config = loadConfig({ file: configFile, cwd: dir, paths: { config: undefined, records: undefined, signingKey: undefined } });
  return { dir, configFile, config, matrix: loadMatrix(config.packer.matrix), signer: readSigner(config.signing.key, 'goldsmith') };
}

/**
 * goldsmith's GitHub app over real HTTP: a goldsmith working folder (config,
 * signing key, records, SQLite state), a real vcsim with the simulator lines'
 * templates folder, a fake of GitHub's REST API, and the app created from the
 * environment as serve does (APP_ID, PRIVATE_KEY_PATH, WEBHOOK_SECRET,
 * GITHUB_API_URL) with the vSphere promotion of src/pipeline/promotion,
 * mounted at /github/webhooks on goldsmith's HTTP server (src/server.ts) on a
 * free port.
 */
export async function startGitHubHarness(options: HarnessOptions = {}): Promise<GitHubHarness> {
  const env = makeEnv(options);
  const sim = await startVcsim(findInfraBinary('vcsim', TEST_SETTINGS.paths));
  const vsphereSettings = Settings.from({ GOVC_URL: `https://${sim.server}/sdk`, GOVC_USERNAME: 'user', GOVC_PASSWORD: VSPHERE_PASSWORD, GOVC_INSECURE: '1', ...options.extraEnv });
  const govc = new Govc({ connection: readVsphereConnection(vsphereSettings.govc(), env.config), binary: findInfraBinary('govc', TEST_SETTINGS.paths) });

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // GitHub hands out PKCS#1 PEM files.
  const privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const keyFile = join(env.dir, 'github-app.private-key.pem');
  writeFileSync(keyFile, privateKeyPem, { mode: 0o600 });
  const github = await FakeGitHub.start({ owner: OWNER, repo: REPO, appId: APP_ID, publicKey });
  const secret = `whsec-${Math.random().toString(36).slice(2)}-${Date.now()}`;

  let logText = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logText += String(chunk);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, stream);
  const jobs = JobStore.open(jobStorePathOf(env.config));
  const thread: Array<[number, string]> = [];
  const credentials = readGitHubSettings({ APP_ID: String(APP_ID), PRIVATE_KEY_PATH: keyFile, WEBHOOK_SECRET: secret, GITHUB_API_URL: github.url }, env.dir)!;
  const promotion = storePromotionActions({ config: env.config, signer: env.signer, settings: vsphereSettings });
  const app = await createGitHubApp({
    credentials,
    config: env.config,
    matrix: env.matrix,
    promotion: options.wrapPromotion ? options.wrapPromotion(promotion) : promotion,
    revocations: recordRevocationOperations({ config: env.config, settings: vsphereSettings, signer: env.signer, matrix: env.matrix }),
    signer: env.signer,
    jobs,
    notifyBuildThread: async (jobId, text) => void thread.push([jobId, text]),
    secrets: [VSPHERE_PASSWORD],
    logger,
    throttle: false,
  });
  const notFound: RequestListener = (_req, res) => res.writeHead(404).end();
  const server: Server = createGoldsmithServer({
    slack: notFound,
    github: app.requestListener,
    health: () => ({ ok: true }),
    metrics: () => '',
    observeSlackAck: () => undefined,
    onError: (error) => logger.error({ err: error.message }, 'request failed'),
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${GITHUB_WEBHOOKS_PATH}`;

  const deliver: GitHubHarness['deliver'] = (event, payload, deliverOptions = {}) => deliverWebhook(webhookUrl, event, payload, { secret, ...deliverOptions });
  let clock = Date.parse('2026-11-24T08:00:00Z');
  return {
    env,
    github,
    app,
    jobs,
    sim,
    govc,
    webhookUrl,
    secret,
    privateKeyPem,
    logs: () => logText,
    thread,
    async sealBuild(line, requestedBy) {
      const entry = SIM_LINES.find((candidate) => candidate.key === line);
      if (!entry) throw new Error(`${line} is not a simulator line of the harness`);
      const job = jobs.request(line, requestedBy);
      if (!job.ok) throw new Error(job.message);
      jobs.finish(job.job.id, { state: 'succeeded', reason: null });
      const template = `${entry.base_name}-build`;
      await seedTemplate(govc, { source: '/DC0/vm/DC0_C0_RP0_VM0', pool: '/DC0/host/DC0_C0/Resources', folder: FOLDER, name: template });
      const logFile = join(env.dir, `build-${line}.log`);
      writeFileSync(logFile, `==> vsphere-clone.${line}: built ${template}\n`);
      return writeRecord({
        root: env.config.records,
        signer: env.signer,
        now: () => new Date((clock += 60_000)),
        content: {
          kind: 'build',
          log: logFile,
          details: buildDetails(line, {
            requested_by: requestedBy,
            job_id: String(job.job.id),
            target: { platform: 'vsphere', vcenter: sim.server, datacenter: 'DC0', folder: 'Templates', template_name: template },
            artifact: { artifact_id: template, packer_run_uuid: null, builder_type: 'vsphere-clone' },
          }),
        },
      });
    },
    async templates() {
      const { stdout } = await govc.run(['ls', FOLDER]);
      return stdout
        .split('\n')
        .filter(Boolean)
        .map((path) => path.slice(FOLDER.length + 1))
        .sort();
    },
    promotionsOf(line) {
      const folder = join(env.config.records, 'promotions', line);
      return existsSync(folder) ? readdirSync(folder).filter((name) => !name.startsWith('.')) : [];
    },
    async comment(number, user, body, commentOptions = {}) {
      const comment = github.addComment(number, user.login, body, user.type);
      const delivered = await deliver('issue_comment', commentCreated(github, comment, commentOptions), { id: commentOptions.id });
      return { ...delivered, commentId: comment.id };
    },
    deliver,
    async close() {
      await app.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await github.close();
      jobs.close();
      govc.close();
      await sim.stop();
    },
  };
}
