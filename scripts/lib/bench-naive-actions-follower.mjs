// The baseline of bench:executor: a naive per-job follower of a GitHub Actions run, as
// dispatch tools do it. One job: dispatch the workflow with return_run_details, then ask
// for the run and its jobs every 2 s until the run has completed, then list the run's
// artifacts and download the job's zip (the 302 is followed without the Authorization
// header: the storage URL is signed). Each job follows its own run; nothing is shared.
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Follows one job from dispatch to its downloaded artifact; resolves with the run's id,
 * its conclusion, and when the zip was on disk (epoch ms).
 *
 * @example
 * const done = await followNaively({ apiUrl: fake.url, token, repository: 'acme/images', workflow: 'goldsmith-build.yml',
 *   inputs: { goldsmith_job: 'b1', line: 'bench-01', entry: '{…}' }, pollMs: 2000, zipFile: '/tmp/b1.zip' });
 */
export async function followNaively({ apiUrl, token, repository, workflow, ref = 'main', inputs, pollMs, zipFile }) {
  const headers = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'naive-follower', authorization: `Bearer ${token}` };
  const api = async (method, path, body) => {
    const response = await fetch(`${apiUrl}/repos/${repository}${path}`, {
      method,
      redirect: 'manual',
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      return { status: response.status, location: response.headers.get('location') };
    }
    const text = await response.text();
    if (response.status >= 400) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 200)}`);
    return { status: response.status, data: text ? JSON.parse(text) : undefined };
  };

  const dispatched = await api('POST', `/actions/workflows/${encodeURIComponent(workflow)}/dispatches`, { ref, inputs, return_run_details: true });
  const runId = dispatched.data?.workflow_run_id;
  if (!runId) throw new Error(`the dispatch of ${inputs.line} returned no workflow_run_id`);
  let run;
  for (;;) {
    run = (await api('GET', `/actions/runs/${runId}`)).data;
    await api('GET', `/actions/runs/${runId}/jobs`);
    if (run.status === 'completed') break;
    await sleep(pollMs);
  }
  const { artifacts } = (await api('GET', `/actions/runs/${runId}/artifacts`)).data;
  const artifact = artifacts.find((candidate) => candidate.name === `goldsmith-${inputs.goldsmith_job}`);
  if (!artifact) throw new Error(`run ${runId} has no artifact goldsmith-${inputs.goldsmith_job}`);
  const redirect = await api('GET', `/actions/artifacts/${artifact.id}/zip`);
  if (!redirect.location) throw new Error(`the download of artifact ${artifact.id} answered ${redirect.status}, not a redirect`);
  // No Authorization header to the storage host.
  const blob = await fetch(new URL(redirect.location, apiUrl));
  if (!blob.ok) throw new Error(`the download link of artifact ${artifact.id} answered ${blob.status}`);
  await writeFile(zipFile, Buffer.from(await blob.arrayBuffer()));
  return { runId, conclusion: run.conclusion, downloadedAt: Date.now() };
}
