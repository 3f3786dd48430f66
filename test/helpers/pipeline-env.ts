import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../src/config/load-config.js';
import { loadMatrix } from '../../src/config/load-matrix.js';
import type { Matrix } from '../../src/config/matrix-schema.js';
import { readSigner } from '../../src/evidence/read-signer.js';
import { writeKeyFiles } from '../../src/evidence/write-key-files.js';
import type { RecordSigner } from '../../src/evidence/write-record.js';
import { makeTempDir } from './write-chain.js';

export interface PipelineEnv {
  dir: string;
  configFile: string;
  config: LoadedConfig;
  matrix: Matrix;
  signer: RecordSigner;
}

/**
 * A working folder as an operator would set it up: the null-builder test
 * lines under packer/, a signing key, and goldsmith.yaml naming them.
 */
export function makePipelineEnv(extraYaml = ''): PipelineEnv {
  const dir = makeTempDir('goldsmith-pipeline-');
  cpSync(new URL('../fixtures/lines', import.meta.url).pathname, join(dir, 'packer'), { recursive: true });
  writeKeyFiles(join(dir, 'keys'), 'goldsmith');
  const configFile = join(dir, 'goldsmith.yaml');
  writeFileSync(
    configFile,
    ['records: records', 'state_dir: state', 'signing:', '  key: keys/signing.key', 'secret_env: [VSPHERE_PASSWORD]', extraYaml].join('\n'),
  );
  const config = loadConfig({ file: configFile, cwd: dir, paths: { config: undefined, records: undefined, signingKey: undefined } });
  return { dir, configFile, config, matrix: loadMatrix(config.packer.matrix), signer: readSigner(config.signing.key, 'goldsmith') };
}
