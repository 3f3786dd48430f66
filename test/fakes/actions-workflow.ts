import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'yaml';

/**
 * goldsmith's build workflow, read from its YAML and checked against what
 * the fake Actions runner can do: a checkout, one `goldsmith …` step run
 * without a shell, and an upload-artifact step. Anything else throws at
 * construction, so a change to the workflow that the fake cannot honour
 * fails loudly instead of being skipped.
 */

export interface WorkflowInput {
  required: boolean;
  type: string;
  default?: string;
}

/** Where `${{ … }}` expressions take their values. */
export interface ExpressionContext {
  inputs: Record<string, string>;
  vars: Record<string, string>;
  secrets: Record<string, string>;
  github: Record<string, string>;
}

/** When a step runs, from its `if:` (GitHub's status functions only). */
export type StepCondition = 'success' | 'always' | 'failure' | 'cancelled' | 'not-cancelled';

interface StepBase {
  /** The name GitHub shows: `name:`, else `Run <action or script>`. */
  name: string;
  condition: StepCondition;
}

export type WorkflowStep =
  | (StepBase & { kind: 'checkout' })
  | (StepBase & {
      kind: 'goldsmith';
      script: string;
      /** The script's words after `goldsmith`. */
      args: string[];
      /** `env:` as written; evaluate with {@link evaluate}. */
      env: Record<string, string>;
    })
  | (StepBase & { kind: 'upload'; artifactName: string; path: string; ifNoFilesFound: 'error' | 'warn' | 'ignore'; retentionDays: number; includeHiddenFiles: boolean });

export interface Workflow {
  /** The file name, which the API accepts as the workflow id. */
  file: string;
  name: string;
  /** `run-name:` as written (the run's display title once evaluated). */
  runName: string | undefined;
  inputs: Record<string, WorkflowInput>;
  jobName: string;
  labels: string[];
  steps: WorkflowStep[];
}

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;
const CONTEXT_REFERENCE = /^(inputs|vars|secrets|github)\.([A-Za-z_][A-Za-z0-9_-]*)$/;

/** Throws unless every `${{ … }}` in `template` is a plain context reference this fake can evaluate. */
function checkTemplate(template: string, where: string): void {
  for (const [, expression] of template.matchAll(EXPRESSION)) {
    if (!CONTEXT_REFERENCE.test(expression!)) throw new Error(`${where}: the fake evaluates only inputs.X, vars.X, secrets.X and github.X, not \${{ ${expression} }}`);
  }
}

/**
 * Evaluates `${{ inputs.X }}`, `${{ vars.X }}`, `${{ secrets.X }}` and
 * `${{ github.X }}` in a string; a missing value is the empty string, as on
 * GitHub.
 *
 * @example
 * evaluate('goldsmith-${{ inputs.goldsmith_job }}', { inputs: { goldsmith_job: 'j7' }, vars: {}, secrets: {}, github: {} }); // 'goldsmith-j7'
 */
export function evaluate(template: string, context: ExpressionContext): string {
  return template.replace(EXPRESSION, (_, expression: string) => {
    const [, scope, key] = CONTEXT_REFERENCE.exec(expression) ?? [];
    if (!scope) throw new Error(`cannot evaluate \${{ ${expression} }}`);
    return context[scope as keyof ExpressionContext][key!] ?? '';
  });
}

function conditionOf(value: unknown, where: string): StepCondition {
  if (value === undefined) return 'success';
  const text = String(value).replace(/^\$\{\{\s*(.*?)\s*\}\}$/, '$1').trim();
  const known: Record<string, StepCondition> = { 'success()': 'success', 'always()': 'always', 'failure()': 'failure', 'cancelled()': 'cancelled', '!cancelled()': 'not-cancelled' };
  const condition = known[text];
  if (!condition) throw new Error(`${where}: the fake understands only if: success(), always(), failure(), cancelled() or !cancelled(), not "${text}"`);
  return condition;
}

/**
 * The words of a one-line `goldsmith …` script. The fake runs it without a
 * shell, so anything a shell would interpret is refused rather than passed
 * on literally.
 */
export function goldsmithArgs(script: string, where = 'run'): string[] {
  const text = script.trim();
  if (text.includes('\n')) throw new Error(`${where}: the fake runs a one-line goldsmith command without a shell; this script has several lines`);
  const shellish = /[$;|&<>`'"\\(){}*?~]/.exec(text);
  if (shellish) throw new Error(`${where}: the fake runs "${text}" without a shell, so it refuses "${shellish[0]}" (variables, quotes, pipes, redirections, lists)`);
  const words = text.split(/\s+/);
  if (words[0] !== 'goldsmith') throw new Error(`${where}: the fake runs only goldsmith steps, not "${text}"`);
  return words.slice(1);
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where} must be a map`);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, String(item)]));
}

function stepOf(raw: Record<string, unknown>, index: number): WorkflowStep {
  const where = `step ${index + 1}${raw.name ? ` (${String(raw.name)})` : ''}`;
  const condition = conditionOf(raw.if, where);
  if (typeof raw.uses === 'string') {
    const action = raw.uses.split('@')[0];
    const name = String(raw.name ?? `Run ${raw.uses}`);
    if (action === 'actions/checkout') return { kind: 'checkout', name, condition };
    if (action === 'actions/upload-artifact') {
      const inputs = stringMap(raw.with, `${where} with:`);
      if (!inputs.name || !inputs.path) throw new Error(`${where}: upload-artifact needs with.name and with.path`);
      if (inputs.path.includes('\n') || /[*?!]/.test(inputs.path)) throw new Error(`${where}: the fake uploads one folder, not globs or several paths`);
      checkTemplate(inputs.name, where);
      const ifNoFilesFound = (inputs['if-no-files-found'] ?? 'warn') as 'error' | 'warn' | 'ignore';
      return { kind: 'upload', name, condition, artifactName: inputs.name, path: inputs.path, ifNoFilesFound, retentionDays: Number(inputs['retention-days'] ?? 90), includeHiddenFiles: inputs['include-hidden-files'] === 'true' };
    }
    throw new Error(`${where}: the fake knows actions/checkout and actions/upload-artifact, not ${raw.uses}`);
  }
  if (typeof raw.run === 'string') {
    const name = String(raw.name ?? `Run ${raw.run.trim()}`);
    if (raw.shell !== undefined || raw['working-directory'] !== undefined) throw new Error(`${where}: the fake runs goldsmith in the workspace without a shell; drop shell/working-directory`);
    if (!raw.run.trim().startsWith('goldsmith ')) throw new Error(`${where}: the fake runs only goldsmith steps, not "${raw.run.trim()}"`);
    const env = stringMap(raw.env, `${where} env:`);
    for (const value of Object.values(env)) checkTemplate(value, where);
    return { kind: 'goldsmith', name, condition, script: raw.run.trim(), args: goldsmithArgs(raw.run, where), env };
  }
  throw new Error(`${where}: a step needs uses: or run:`);
}

/**
 * Reads and checks a workflow file that has one job triggered by
 * `workflow_dispatch`.
 *
 * @example
 * const workflow = loadWorkflow('packer/ci/github-actions/goldsmith-build.yml');
 * workflow.steps.map((step) => step.kind); // ['checkout', 'goldsmith', 'upload']
 */
export function loadWorkflow(path: string): Workflow {
  const doc = parse(readFileSync(path, 'utf8')) as Record<string, any>;
  const where = basename(path);
  const dispatch = doc.on?.workflow_dispatch;
  if (dispatch === undefined) throw new Error(`${where}: the fake dispatches only workflows with on.workflow_dispatch`);
  const inputs: Record<string, WorkflowInput> = {};
  for (const [key, spec] of Object.entries((dispatch?.inputs ?? {}) as Record<string, Record<string, unknown>>)) {
    inputs[key] = { required: spec.required === true, type: String(spec.type ?? 'string'), ...(spec.default !== undefined ? { default: String(spec.default) } : {}) };
  }
  const jobs = Object.entries((doc.jobs ?? {}) as Record<string, Record<string, any>>);
  if (jobs.length !== 1) throw new Error(`${where}: the fake runs workflows with exactly one job, this one has ${jobs.length}`);
  const [jobId, job] = jobs[0]!;
  if (job.strategy || job.container || job.services) throw new Error(`${where}: the fake runs no matrix, container or services`);
  const runsOn = job['runs-on'];
  const labels = (Array.isArray(runsOn) ? runsOn : [runsOn]).map(String);
  const runName = doc['run-name'] === undefined ? undefined : String(doc['run-name']);
  if (runName) checkTemplate(runName, `${where} run-name`);
  const jobName = String(job.name ?? jobId);
  checkTemplate(jobName, `${where} job name`);
  const steps = ((job.steps ?? []) as Array<Record<string, unknown>>).map(stepOf);
  if (steps.filter((step) => step.kind === 'goldsmith').length !== 1) throw new Error(`${where}: the fake expects exactly one goldsmith step`);
  return { file: basename(path), name: String(doc.name ?? `.github/workflows/${basename(path)}`), runName, inputs, jobName, labels, steps };
}
