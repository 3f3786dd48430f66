/** The stages a build passes through, in order, as users see them. */
export const BUILD_STAGES = [
  'queued',
  'validating',
  'creating VM',
  'booting',
  'waiting for IP',
  'connecting',
  'provisioning',
  'shutting down',
  'converting to template',
  'sealing record',
  'done',
] as const;
export type BuildStage = (typeof BUILD_STAGES)[number];

// Packer's own step messages (vsphere-iso, vsphere-clone, proxmox, null), matched on the `ui,say` text.
const STAGE_PATTERNS: Array<[RegExp, BuildStage]> = [
  [/Creating VM|Cloning VM|Creating the VM|Starting the build|Running builder/i, 'creating VM'],
  [/Power on VM|Powering on|Starting VM|Typing boot command|Waiting \d+\w* for boot|boot command/i, 'booting'],
  [/Waiting for IP|waiting for the VM IP/i, 'waiting for IP'],
  [/Waiting for (SSH|WinRM)|Using (ssh|winrm) communicator|Connected to (SSH|WinRM)/i, 'connecting'],
  [/Provisioning with|Running local shell script|Executing Ansible|Uploading .* =>/i, 'provisioning'],
  [/Shutting down|Power off VM|Stopping VM|Eject CD-ROM/i, 'shutting down'],
  [/Convert(ing)? VM into template|Converting to template|Creating template/i, 'converting to template'],
];

/**
 * The stage a Packer `ui,say` message announces, or undefined for any other
 * message. Stages only move forward: the caller keeps the furthest seen.
 *
 * @example
 * stageOfMessage('==> vsphere-iso.linux: Waiting for IP...') // 'waiting for IP'
 */
export function stageOfMessage(message: string): BuildStage | undefined {
  return STAGE_PATTERNS.find(([pattern]) => pattern.test(message))?.[1];
}

/** True when `next` comes after `current` in a build. */
export function isLaterStage(current: BuildStage | null, next: BuildStage): boolean {
  return current === null || BUILD_STAGES.indexOf(next) > BUILD_STAGES.indexOf(current);
}
