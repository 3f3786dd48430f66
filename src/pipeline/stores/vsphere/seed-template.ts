import type { Govc } from './govc.js';

export interface SeedTemplateOptions {
  /** Inventory path of the VM to clone, such as `/DC0/vm/DC0_C0_RP0_VM0`. */
  source: string;
  /** Resource pool for the clone (vcsim has two: `govc vm.clone` needs one named). */
  pool: string;
  /** Inventory path of the folder to put the template in; created when missing. */
  folder: string;
  name: string;
}

/**
 * Makes sure a template exists at `folder/name`: clones `source` powered off
 * and marks it as a template, unless the path already holds one. Used to
 * give the simulator lines something to clone from.
 *
 * @example
 * await seedTemplate(govc, { source: '/DC0/vm/DC0_C0_RP0_VM0', pool: '/DC0/host/DC0_C0/Resources', folder: '/DC0/vm/seeds', name: 'seed-ubuntu-24.04' });
 */
export async function seedTemplate(govc: Govc, options: SeedTemplateOptions): Promise<'created' | 'present'> {
  const path = `${options.folder}/${options.name}`;
  // govc ls of a missing path exits 0 with no output: emptiness is the answer.
  if ((await govc.run(['ls', path])).stdout.trim() !== '') return 'present';
  await govc.run(['folder.create', options.folder], { tolerate: /already exists|DuplicateName/i });
  await govc.run(['vm.clone', '-vm', options.source, '-pool', options.pool, '-folder', options.folder, '-on=false', '-force', options.name]);
  await govc.run(['vm.markastemplate', path]);
  return 'created';
}
