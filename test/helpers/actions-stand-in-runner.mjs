#!/usr/bin/env node
// A stand-in for `goldsmith runner --out <dir>`, for the fake Actions API's own test
// (test/fakes/actions-api.test.ts) only: the real command is written elsewhere. It does what the
// workflow's build step expects of it (read the job from the environment, leave packer.log and
// build.json in <dir>, exit 0 or not) and reports what it was given, so the test can check that
// the fake's runner set up the step as GitHub's would.
//
//   node test/helpers/actions-stand-in-runner.mjs runner --out goldsmith-artifact
//
// By line name: `fail…` exits 1 after writing its files (so does STAND_IN_FAIL=1); `slow…` starts a
// grandchild (in its process group, as Packer starts its plugins), ignores SIGINT as a Packer cleaning up would, and never
// ends by itself; anything else succeeds after STAND_IN_SLEEP_MS (default 300).
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [command, flag, out] = process.argv.slice(2);
if (command !== 'runner' || flag !== '--out' || !out) {
  console.error(`stand-in runner: expected "runner --out <dir>", got ${JSON.stringify(process.argv.slice(2))}`);
  process.exit(2);
}
const env = process.env;
const line = env.GOLDSMITH_LINE ?? '';
mkdirSync(join(out, 'manifest'), { recursive: true });
const log = join(out, 'packer.log');
const say = (text) => {
  console.log(text);
  appendFileSync(log, `${text}\n`);
};

say(`stand-in: building ${line} for job ${env.GOLDSMITH_JOB}`);
// The fake must mask secrets in the job log as GitHub does.
console.log(`stand-in: GOVC_PASSWORD is ${env.GOVC_PASSWORD}`);
console.error('stand-in: a line on stderr');
const seen = ['CI', 'GITHUB_ACTIONS', 'GITHUB_RUN_ID', 'GITHUB_RUN_ATTEMPT', 'GITHUB_REPOSITORY', 'GITHUB_SERVER_URL', 'GITHUB_SHA', 'GITHUB_WORKSPACE', 'RUNNER_NAME', 'RUNNER_OS', 'RUNNER_TEMP', 'GOVC_URL', 'GOVC_USERNAME', 'GOVC_INSECURE', 'STAND_IN_EXTRA'];
writeFileSync(
  join(out, 'build.json'),
  `${JSON.stringify(
    {
      job: env.GOLDSMITH_JOB,
      line,
      entry: JSON.parse(env.GOLDSMITH_ENTRY || 'null'),
      env: Object.fromEntries(seen.map((key) => [key, env[key] ?? null])),
      govcPasswordSet: Boolean(env.GOVC_PASSWORD),
      // Set in every vitest worker: present here only if the fake leaked its own environment.
      inherited: env.VITEST ?? null,
      cwd: process.cwd(),
    },
    null,
    2,
  )}\n`,
);
writeFileSync(join(out, 'manifest', 'packer-manifest.json'), '{"builds":[]}\n');
// upload-artifact v4 leaves hidden files out.
writeFileSync(join(out, '.stand-in-cache'), 'hidden\n');

if (line.startsWith('slow')) {
  const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  say(`stand-in: grandchild ${grandchild.pid} started`);
  process.on('SIGINT', () => say('stand-in: got SIGINT, cleaning up (and taking its time)'));
  setInterval(() => say('stand-in: still building'), 200);
} else {
  setTimeout(() => {
    const fail = line.startsWith('fail') || env.STAND_IN_FAIL === '1';
    say(fail ? 'stand-in: build failed' : 'stand-in: build finished');
    process.exit(fail ? 1 : 0);
  }, Number(env.STAND_IN_SLEEP_MS ?? 300));
}
