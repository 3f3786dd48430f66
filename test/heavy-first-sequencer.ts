import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Test files that take one to two minutes from a few lines of source (each calls the
 * shared store contract or drives whole CI runs). With no timings cached yet
 * (a fresh clone: CI) vitest starts larger files first, so these came last
 * and one worker ran the vSphere crash matrix alone for the final half-minute.
 */
const HEAVY = ['test/stores/vsphere.test.ts', 'test/stores/proxmox.test.ts', 'test/executors/github-actions-executor.test.ts', 'test/stores/qemu.test.ts'];

/**
 * vitest's own order (failed first, then slowest by cached timings, then
 * largest), with the files in HEAVY moved to the front, in that order.
 *
 * @example
 * defineConfig({ test: { sequence: { sequencer: HeavyFirstSequencer } } });
 */
export class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const index = HEAVY.findIndex((path) => spec.moduleId.endsWith(path));
      return index === -1 ? HEAVY.length : index;
    };
    const sorted = await super.sort(files);
    return sorted.map((spec, index) => ({ spec, index })).sort((a, b) => rank(a.spec) - rank(b.spec) || a.index - b.index).map(({ spec }) => spec);
  }
}
