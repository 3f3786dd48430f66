import type { Credential } from '../../../config/find-credentials.js';
import type { Target } from '../../../evidence/run-schema.js';
import type { CandidateBuild, CandidateCheck, StoreContext, TemplateDetails, TemplateRef, TemplateStore } from '../template-store.js';
import { findInfraBinary } from './find-infra-binary.js';
import { Govc, GovcError } from './govc.js';
import { readVsphereConnection, type VsphereConnection } from './read-vsphere-connection.js';
import { VsphereFolder, type FolderObject } from './vsphere-folder.js';

const toRef = (object: FolderObject): TemplateRef => ({ ref: object.moref, name: object.name, path: object.path });

/**
 * The vSphere template store: one templates folder of one vCenter, through
 * govc. References are managed object references (`VirtualMachine:vm-92`);
 * the identity is the vCenter's `host[:port]`. Every govc command and its
 * output goes to `context.log`, scrubbed of the vCenter password.
 *
 * @example
 * const store = new VsphereTemplateStore({ config, settings, log: (text) => append(text) });
 * await store.find('tpl-ubuntu-24.04-build'); // { ref: 'VirtualMachine:vm-92', name: …, path: '/DC0/vm/Templates/…' }
 * store.close();
 */
export class VsphereTemplateStore implements TemplateStore {
  readonly platform = 'vsphere';
  readonly identity: string;
  readonly retargetHint = 'set GOVC_URL to that vCenter';
  readonly location: string;
  readonly repairHint = 'govc object.rename <reference> <name>';
  readonly secrets: readonly Credential[];
  readonly connection: VsphereConnection;
  readonly govc: Govc;
  readonly folder: VsphereFolder;

  constructor(context: StoreContext) {
    this.connection = readVsphereConnection(context.settings.govc(), context.config);
    this.identity = this.connection.vcenter;
    this.location = context.location ?? this.connection.folder;
    this.secrets = this.connection.secrets.map((value) => ({ name: 'GOVC_PASSWORD', value }));
    this.govc = new Govc({ connection: this.connection, binary: findInfraBinary('govc', context.settings.paths), log: context.log });
    this.folder = new VsphereFolder(this.govc, this.location);
  }

  async list(): Promise<TemplateRef[]> {
    return (await this.folder.list()).map(toRef);
  }

  async find(name: string): Promise<TemplateRef | undefined> {
    const found = await this.folder.find(name);
    return found ? toRef(found) : undefined;
  }

  nameOf(ref: string): Promise<string | undefined> {
    return this.folder.nameOf(ref);
  }

  async describe(template: TemplateRef): Promise<TemplateDetails | undefined> {
    const info = await this.folder.describe({ moref: template.ref, path: template.path });
    if (!info) return undefined;
    return {
      ...toRef(info),
      ready: info.template,
      kind: info.template ? 'a template' : 'a VM',
      notReady: info.template ? undefined : 'is a VM, not a template: let Packer convert it (convert_to_template = true) and rebuild',
      createdAt: info.createdAt,
      createdFrom: info.createdFrom,
    };
  }

  rename(ref: string, newName: string): Promise<void> {
    return this.folder.rename(ref, newName);
  }

  destroy(ref: string): Promise<void> {
    return this.folder.destroy(ref);
  }

  isTransient(error: unknown): boolean {
    return error instanceof GovcError && error.unreachable;
  }

  async checkCandidate(candidate: TemplateDetails, build: CandidateBuild): Promise<CandidateCheck> {
    const target = build.run.target;
    if (target.platform === 'vsphere' && target.template_name !== candidate.name) {
      return { ok: false, message: `${build.record} built ${target.template_name}, not ${candidate.name}: check base_name of ${build.run.line} in the matrix, then rebuild` };
    }
    return { ok: true, detail: '' };
  }

  describeTarget(templateName: string): Target {
    return { platform: 'vsphere', vcenter: this.connection.vcenter, datacenter: this.connection.datacenter, folder: this.location, template_name: templateName };
  }

  note(text: string): void {
    this.govc.note(text);
  }

  close(): void {
    this.govc.close();
  }
}
