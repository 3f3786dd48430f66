import { createWriteStream, writeFileSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { captureOutput } from '../../capture-output.js';
import { RUNNER_FILES, runnerFactsSchema, type RunnerFacts } from '../runner-artifact.js';

/** The runner's artifact, unpacked into the job's folder. */
export interface UnpackedArtifact {
  /** packer.log, scrubbed again with this host's secrets. */
  log: string;
  manifest: string | undefined;
  /** Packer's own provenance, when the line's build wrote one (packer_provenance). */
  packerProvenance: string | undefined;
  facts: RunnerFacts;
}

/** An artifact that is not what `goldsmith runner` writes: the job fails with this message. */
export class ArtifactRefused extends Error {}

const SMALL_FILE_BYTES = 1 << 20;
const KNOWN = new Set<string>(Object.values(RUNNER_FILES));

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: true }, (error, zip) => (error ? reject(error) : resolve(zip))),
  );
}

function streamOf(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream))));
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJsonFile(name: string, bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ArtifactRefused(`${name} in the artifact is not JSON`);
  }
}

/**
 * Unpacks a runner's artifact zip into `outDir`, refusing anything that is
 * not exactly what `goldsmith runner` writes: a name outside packer.log,
 * build.json, manifest.json and packer-provenance.json, a path that would leave the folder
 * (`../x`, `/x`, `C:\x`), a name twice, a file over `maxBytes` (the JSON
 * files over 1 MiB), or a zip whose sizes lie. The log is
 * scrubbed of `secrets` on its way to disk; build.json is checked against
 * its schema.
 *
 * @example
 * const unpacked = await unpackRunnerArtifact('state/jobs/7/artifact.zip', 'state/jobs/7', { maxBytes: 512 << 20, secrets });
 */
export async function unpackRunnerArtifact(zipFile: string, outDir: string, options: { maxBytes: number; secrets: readonly string[] }): Promise<UnpackedArtifact> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(zipFile);
  } catch (error) {
    throw new ArtifactRefused(`the artifact is not a readable zip (${(error as Error).message})`);
  }
  const seen = new Set<string>();
  let facts: RunnerFacts | undefined;
  let manifest: string | undefined;
  let packerProvenance: string | undefined;
  const log = join(outDir, RUNNER_FILES.log);
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: unknown) => {
        zip.close();
        reject(error);
      };
      zip.on('error', (error: Error) =>
        fail(/invalid relative path|absolute path|invalid characters/.test(error.message) ? new ArtifactRefused(`the artifact holds a path outside its folder (${error.message}); refused`) : new ArtifactRefused(`the artifact zip is damaged (${error.message})`)),
      );
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          const name = entry.fileName;
          if (name.endsWith('/')) throw new ArtifactRefused(`the artifact holds a folder "${name}"; goldsmith runner writes files only`);
          if (!KNOWN.has(name)) throw new ArtifactRefused(`the artifact holds "${name}", which goldsmith runner does not write (expected ${[...KNOWN].join(', ')})`);
          if (seen.has(name)) throw new ArtifactRefused(`the artifact holds ${name} twice`);
          seen.add(name);
          const limit = name === RUNNER_FILES.log ? options.maxBytes : SMALL_FILE_BYTES;
          if (entry.uncompressedSize > limit) throw new ArtifactRefused(`${name} in the artifact is ${entry.uncompressedSize} bytes, over the limit of ${limit} (executors.github_actions.artifact_max_mb)`);
          const stream = await streamOf(zip, entry);
          if (name === RUNNER_FILES.log) {
            // 'w': a goldsmith stopped mid-unpack left a partial log; the artifact is the whole truth.
            const file = createWriteStream(log, { flags: 'w', mode: 0o600 });
            await captureOutput(stream, file, options.secrets, () => undefined);
            await new Promise<void>((done) => file.end(done));
            const handle = await openFile(log, 'r');
            await handle.sync().finally(() => handle.close());
          } else {
            const bytes = await readAll(stream);
            const parsed = parseJsonFile(name, bytes);
            if (name === RUNNER_FILES.facts) {
              const checked = runnerFactsSchema.safeParse(parsed);
              if (!checked.success) throw new ArtifactRefused(`build.json in the artifact is not goldsmith runner's (${checked.error.issues[0]!.path.join('.')}: ${checked.error.issues[0]!.message})`);
              facts = checked.data;
            } else {
              // Kept byte for byte: Packer's provenance may be signed, and the manifest is read as Packer wrote it.
              const kept = join(outDir, name);
              writeFileSync(kept, bytes, { mode: 0o600 });
              if (name === RUNNER_FILES.manifest) manifest = kept;
              else packerProvenance = kept;
            }
          }
          zip.readEntry();
        })().catch(fail);
      });
      zip.readEntry();
    });
  } catch (error) {
    if (error instanceof ArtifactRefused) throw error;
    throw new ArtifactRefused(`the artifact could not be unpacked (${(error as Error).message})`);
  }
  if (!seen.has(RUNNER_FILES.log) || !facts) throw new ArtifactRefused(`the artifact lacks ${!facts ? RUNNER_FILES.facts : RUNNER_FILES.log}: was it written by goldsmith runner (packer/ci/github-actions/goldsmith-build.yml)?`);
  return { log, manifest, packerProvenance, facts };
}
