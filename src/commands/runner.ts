import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import type { Settings } from '../config/settings.js';
import { describeTemplate } from '../pipeline/describe-template.js';
import { runLinePacker, lineVarFileProblem } from '../pipeline/executors/local/run-line-packer.js';
import { RUNNER_FACTS_VERSION, RUNNER_FILES, type RunnerFacts } from '../pipeline/executors/runner-artifact.js';
import { lineVarFiles } from '../pipeline/line-var-files.js';
import { scrubText } from '../pipeline/scrub-text.js';

export interface RunnerCommandOptions {
  out: string;
  /** After SIGINT or SIGTERM, how long Packer may clean up (the CI engine kills the step soon after). */
  graceMs?: number;
}

const iso = (date: Date) => date.toISOString();

/**
 * `goldsmith runner`: the step a CI workflow runs on its runner. Builds the
 * line goldsmith dispatched exactly as the local executor does (same
 * var-files, environment allow-list, scrubbing, stages and timeout), and
 * writes the artifact the sealing host unpacks: packer.log, manifest.json
 * (when Packer wrote one) and build.json (the build facts). Exits 0 when the
 * build succeeded, 1 when it did not (the artifact then says why), 2 when it
 * was called wrongly. SIGINT or SIGTERM (a cancelled run) stop Packer, which
 * cleans up.
 */
export async function runnerCommand(config: LoadedConfig, settings: Settings, options: RunnerCommandOptions, stdout: NodeJS.WritableStream): Promise<number> {
  const asked = settings.runner();
  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  const secrets = settings.credentials(config.secret_env, config.baseDir).map((credential) => credential.value);
  const say = (text: string) => stdout.write(`goldsmith runner: ${scrubText(text, secrets)}\n`);
  const controller = new AbortController();
  const stop = (signal: string) => {
    say(`${signal}: stopping Packer (it cleans up)`);
    controller.abort();
  };
  const onInt = () => stop('SIGINT');
  const onTerm = () => stop('SIGTERM');
  process.on('SIGINT', onInt).on('SIGTERM', onTerm);
  const startedAt = new Date();
  const facts = (rest: Pick<RunnerFacts, 'succeeded' | 'reason' | 'ended_by' | 'exit_code' | 'packer_version' | 'tail'> & Partial<RunnerFacts>): RunnerFacts => ({
    schema: RUNNER_FACTS_VERSION,
    job: asked.job,
    line: asked.line,
    started_at: iso(startedAt),
    finished_at: iso(new Date()),
    template: { dir: null, git_commit: null, hcl_sha256: null },
    var_files: [],
    runner: asked.runner,
    ...rest,
  });
  const write = (built: RunnerFacts) => writeFileSync(join(out, RUNNER_FILES.facts), `${JSON.stringify(built, null, 2)}\n`);
  try {
    say(`job ${asked.job}: building ${asked.line} on ${asked.runner.name ?? 'this runner'}`);
    const problem = lineVarFileProblem(config, asked.entry);
    if (problem) {
      // The artifact keeps its shape, so the sealing host reads why rather than "no artifact".
      writeFileSync(join(out, RUNNER_FILES.log), '', { mode: 0o600 });
      write(facts({ succeeded: false, reason: problem, ended_by: 'preflight', exit_code: null, packer_version: null, tail: [] }));
      say(problem);
      return 1;
    }
    const run = await runLinePacker({
      config,
      entry: asked.entry,
      settings,
      outDir: out,
      env: asked.packerVars,
      graceMs: options.graceMs ?? 5_000,
      signal: controller.signal,
      onStage: (stage) => say(`stage: ${stage}`),
      onLine: () => undefined,
    });
    const files = lineVarFiles(config, asked.entry);
    const described = await describeTemplate(asked.entry, dirname(config.packer.matrix), [...files.shared, files.own], config.baseDir, settings.childEnv({ family: 'none' }));
    const { result } = run;
    write(
      facts({
        succeeded: !run.ending,
        reason: run.ending?.reason ?? null,
        ended_by: result.endedBy,
        exit_code: result.exitCode,
        packer_version: result.packerVersion ?? null,
        tail: result.tail.slice(-20),
        ...described,
      }),
    );
    say(run.ending ? `build failed: ${run.ending.reason}` : `build succeeded; artifact in ${out}`);
    return run.ending ? 1 : 0;
  } finally {
    process.off('SIGINT', onInt).off('SIGTERM', onTerm);
  }
}
