import type { StoreContext } from '../template-store.js';
import { PveClient } from './pve-client.js';
import { PveNode } from './pve-node.js';

/** A node of the configured Proxmox cluster, ready to use, and what identifies it. */
export interface OpenedPveNode {
  node: PveNode;
  /** `host:port` of the API. */
  host: string;
  /** Every credential the store holds (the token's secret and the rest of goldsmith's): scrubbed from its log. */
  secrets: string[];
  /** The longest pause between polls of a task or a lock. */
  pollMs: number;
}

/**
 * Opens the configured node: the API from PROXMOX_URL and the token from
 * PROXMOX_TOKEN_ID / PROXMOX_TOKEN_SECRET (settings), the node and TLS from
 * goldsmith.yaml's `proxmox` section. A resumed promotion passes its
 * `location` (`<host:port>/<node>`): it goes on at that node. Throws naming
 * the setting to fix.
 *
 * @example
 * const { node } = openPveNode({ config, settings, log });
 */
export function openPveNode(context: StoreContext): OpenedPveNode {
  const settings = context.settings.proxmox();
  const node = context.location?.split('/').at(-1) ?? context.config.proxmox.node;
  if (!node) throw new Error('proxmox.node is not set in goldsmith.yaml: name the Proxmox node that keeps the templates (Packer\'s proxmox_node), for example "node: pve" under "proxmox:"');
  const pollMs = 2000;
  const client = new PveClient({
    settings,
    tls: { caFile: context.config.proxmox.ca_file, fingerprint: context.config.proxmox.fingerprint },
    log: context.log,
    taskTimeoutMs: context.config.proxmox.task_timeout_minutes * 60_000,
    pollMs,
  });
  return { node: new PveNode(client, node, context.config.proxmox.clone_storage), host: settings.host, secrets: settings.secrets, pollMs };
}
