import { defineConfig } from 'vitest/config';
import { HeavyFirstSequencer } from './test/heavy-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two test files at once on two cores: most tests wait on child processes (goldsmith, Packer, vcsim), not the CPU.
    maxWorkers: 2,
    sequence: { sequencer: HeavyFirstSequencer },
  },
});
