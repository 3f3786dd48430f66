import { randomBytes, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/**
 * A fake of the Proxmox VE REST API (`/api2/json/...`) for one cluster: what
 * goldsmith's Proxmox store and a Packer build call, in Proxmox's wire
 * format: HTTPS with a self-signed certificate (as a fresh PVE node has),
 * `Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET`, `{ "data": ... }`
 * bodies, errors as the API gives them (the message in the HTTP reason
 * phrase, `errors` per parameter on 400), and tasks that answer a UPID at
 * once and finish later (clone, template, destroy), holding a `lock` on the
 * VM meanwhile. A task goes on when the client that started it is killed.
 *
 * Each VM has a `disk`: an id of its disk content that a full clone copies,
 * so tests can follow a template across VMIDs as a reader of its disk would.
 *
 * @example
 * const pve = await startFakeProxmox({ tokenId: 'goldsmith@pve!test', secret: 's3cret' });
 * pve.addVm({ vmid: 9100, name: 'tpl-test', template: true });
 * // PROXMOX_URL=pve.url, proxmox.ca_file: pve.caFile
 */

export interface FakeVm {
  vmid: number;
  node: string;
  type: 'qemu' | 'lxc';
  name: string;
  template: boolean;
  tags: string[];
  description: string | undefined;
  /** Seconds since the epoch: `meta: creation-qemu=…,ctime=…`. */
  ctime: number;
  lock: string | undefined;
  /** An id of the disk's content, copied by a full clone. */
  disk: string;
}

interface FakeTask {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  starttime: number;
  status: 'running' | 'stopped';
  exitstatus: string | undefined;
}

export interface FakeProxmox {
  /** `https://127.0.0.1:<port>` (PROXMOX_URL). */
  url: string;
  /** The certificate's PEM file: `proxmox.ca_file`. */
  caFile: string;
  /** The certificate's SHA-256 fingerprint, `AB:CD:…`: `proxmox.fingerprint`. */
  fingerprint: string;
  tokenId: string;
  secret: string;
  vms: Map<number, FakeVm>;
  tasks: Map<string, FakeTask>;
  /** Every request: `GET /api2/json/nodes/pve/qemu` → status. */
  requests: Array<{ method: string; path: string; status: number }>;
  addVm(vm: Partial<FakeVm> & { vmid: number; name: string }): FakeVm;
  /** A task of `type` (`qmclone`, `qmtemplate`, `qmdestroy`), after `skip` that succeed, ends with this exit status instead of OK. */
  failNextTask(type: string, exitstatus: string, skip?: number): void;
  /** From now on the token is refused, as an expired or revoked one is. */
  expireToken(): void;
  close(): Promise<void>;
}

const DNS_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const TAG = /^[a-z0-9_][a-z0-9_+.-]*$/i;

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }
}

let certificate: Promise<{ dir: string; cert: string; key: string }> | undefined;

/** One self-signed certificate for 127.0.0.1 per test process, as `pveproxy` makes on a new node. */
function selfSignedCertificate(): Promise<{ dir: string; cert: string; key: string }> {
  certificate ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goldsmith-fake-pve-'));
    const [cert, key] = [join(dir, 'pve-ssl.pem'), join(dir, 'pve-ssl.key')];
    if (!existsSync(cert)) {
      await execa('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    }
    return { dir, cert, key };
  })();
  return certificate;
}

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

/**
 * Starts the fake on a free loopback port. `taskMs` is how long each task
 * runs before it ends (default 25 ms).
 */
export async function startFakeProxmox(options: { tokenId?: string; secret?: string; nodes?: string[]; taskMs?: number } = {}): Promise<FakeProxmox> {
  const tls = await selfSignedCertificate();
  const tokenId = options.tokenId ?? 'goldsmith@pve!test';
  const secret = options.secret ?? randomBytes(16).toString('hex');
  const nodes = options.nodes ?? ['pve'];
  const taskMs = options.taskMs ?? 25;
  const vms = new Map<number, FakeVm>();
  const tasks = new Map<string, FakeTask>();
  const failures = new Map<string, { exitstatus: string; skip: number }>();
  const requests: FakeProxmox['requests'] = [];
  const timers = new Set<NodeJS.Timeout>();
  let expired = false;
  let pid = 4000;
  let clock = 1_733_000_000;

  const vmOf = (node: string, vmid: number): FakeVm => {
    const vm = vms.get(vmid);
    if (!vm || vm.node !== node) throw new ApiError(500, `Configuration file 'nodes/${node}/qemu-server/${vmid}.conf' does not exist`);
    return vm;
  };
  const notLocked = (vm: FakeVm) => {
    if (vm.lock) throw new ApiError(500, `VM is locked (${vm.lock})`);
  };
  const startTask = (node: string, type: string, id: string, work: { onEnd: (ok: boolean) => void }): string => {
    pid += 1;
    const starttime = (clock += 1);
    const hex = (value: number) => value.toString(16).toUpperCase().padStart(8, '0');
    const upid = `UPID:${node}:${hex(pid)}:${hex(pid * 7)}:${hex(starttime)}:${type}:${id}:${tokenId}:`;
    const task: FakeTask = { upid, node, type, id, user: tokenId, starttime, status: 'running', exitstatus: undefined };
    tasks.set(upid, task);
    const planned = failures.get(type);
    let failure: string | undefined;
    if (planned && planned.skip > 0) planned.skip -= 1;
    else if (planned) {
      failure = planned.exitstatus;
      failures.delete(type);
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      task.status = 'stopped';
      task.exitstatus = failure ?? 'OK';
      work.onEnd(failure === undefined);
    }, taskMs);
    timers.add(timer);
    return upid;
  };
  const listed = (vm: FakeVm) => ({
    vmid: vm.vmid,
    name: vm.name,
    status: 'stopped',
    ...(vm.template ? { template: 1 } : {}),
    ...(vm.lock ? { lock: vm.lock } : {}),
    ...(vm.tags.length > 0 ? { tags: vm.tags.join(';') } : {}),
    maxmem: 2147483648,
    maxdisk: 34359738368,
    cpus: 2,
  });
  const config = (vm: FakeVm) => ({
    name: vm.name,
    meta: `creation-qemu=8.1.5,ctime=${vm.ctime}`,
    smbios1: `uuid=${vm.disk.slice(0, 8)}-0000-4000-8000-${String(vm.vmid).padStart(12, '0')}`,
    memory: '2048',
    cores: 2,
    scsi0: `local-lvm:${vm.template ? 'base' : 'vm'}-${vm.vmid}-disk-0,size=32G`,
    digest: vm.disk,
    ...(vm.template ? { template: 1 } : {}),
    ...(vm.lock ? { lock: vm.lock } : {}),
    ...(vm.tags.length > 0 ? { tags: vm.tags.join(';') } : {}),
    ...(vm.description !== undefined ? { description: vm.description } : {}),
  });
  const addVm = (vm: Partial<FakeVm> & { vmid: number; name: string }): FakeVm => {
    const made: FakeVm = { node: nodes[0]!, type: 'qemu', template: false, tags: [], description: undefined, ctime: (clock += 1), lock: undefined, disk: randomBytes(8).toString('hex'), ...vm };
    vms.set(made.vmid, made);
    return made;
  };
  const checkName = (name: string | undefined) => {
    if (name !== undefined && !DNS_NAME.test(name)) throw new ApiError(400, 'Parameter verification failed.', { name: `value does not match the regex pattern\n` });
  };

  async function route(req: IncomingMessage): Promise<unknown> {
    const url = new URL(req.url ?? '/', 'https://fake');
    const path = url.pathname.replace(/^\/api2\/json/, '');
    const method = req.method ?? 'GET';
    const form = method === 'POST' || method === 'PUT' ? await readForm(req) : Object.fromEntries(url.searchParams);
    const auth = req.headers.authorization ?? '';
    if (auth !== `PVEAPIToken=${tokenId}=${secret}` || expired) throw new ApiError(401, expired ? 'authentication failure' : 'No ticket');
    let match: RegExpExecArray | null;
    if (method === 'GET' && path === '/version') return { version: '8.2.4', release: '8.2', repoid: 'faa83925c9641325' };
    if (method === 'GET' && path === '/cluster/resources') {
      return [...vms.values()]
        .filter(() => !form.type || form.type === 'vm')
        .map((vm) => ({ id: `${vm.type}/${vm.vmid}`, type: vm.type, vmid: vm.vmid, name: vm.name, node: vm.node, status: 'stopped', template: vm.template ? 1 : 0, ...(vm.tags.length ? { tags: vm.tags.join(';') } : {}) }));
    }
    if ((match = /^\/nodes\/([^/]+)\/(.*)$/.exec(path))) {
      const node = decodeURIComponent(match[1]!);
      const rest = match[2]!;
      if (!nodes.includes(node)) throw new ApiError(595, `no such cluster node '${node}'`);
      if (method === 'GET' && rest === 'qemu') return [...vms.values()].filter((vm) => vm.node === node && vm.type === 'qemu').map(listed);
      if (method === 'POST' && rest === 'qemu') {
        // Create a VM (what Packer's proxmox builder does first).
        const vmid = Number(form.vmid);
        if (!Number.isInteger(vmid) || vmid < 100) throw new ApiError(400, 'Parameter verification failed.', { vmid: 'type check (\'integer\') failed\n' });
        if (vms.has(vmid)) throw new ApiError(500, `unable to create VM ${vmid} - VM ${vmid} already exists on node '${vms.get(vmid)!.node}'`);
        checkName(form.name);
        const vm = addVm({ vmid, node, name: form.name ?? `VM ${vmid}`, lock: 'create' });
        return startTask(node, 'qmcreate', String(vmid), { onEnd: (ok) => (ok ? (vm.lock = undefined) : vms.delete(vmid)) });
      }
      if ((match = /^tasks\/([^/]+)\/status$/.exec(rest)) && method === 'GET') {
        const task = tasks.get(decodeURIComponent(match[1]!));
        if (!task) throw new ApiError(500, `unable to open file '/var/log/pve/tasks/active' - no such task`);
        return { upid: task.upid, node: task.node, pid: 1, pstart: 1, starttime: task.starttime, type: task.type, id: task.id, user: task.user, status: task.status, ...(task.exitstatus ? { exitstatus: task.exitstatus } : {}) };
      }
      if ((match = /^qemu\/(\d+)(\/.*)?$/.exec(rest))) {
        const vmid = Number(match[1]);
        const sub = match[2] ?? '';
        const vm = vmOf(node, vmid);
        if (method === 'GET' && sub === '/config') return config(vm);
        if ((method === 'PUT' || method === 'POST') && sub === '/config') {
          notLocked(vm);
          checkName(form.name);
          if (form.tags !== undefined) {
            const tags = form.tags.split(/[;, ]+/).filter(Boolean);
            const bad = tags.find((tag) => !TAG.test(tag));
            if (bad) throw new ApiError(400, 'Parameter verification failed.', { tags: `invalid format - invalid tag '${bad}'\n` });
            vm.tags = tags;
          }
          if (form.name !== undefined) vm.name = form.name;
          if (form.description !== undefined) vm.description = form.description;
          return null;
        }
        if (method === 'POST' && sub === '/clone') {
          const newid = Number(form.newid);
          if (!Number.isInteger(newid) || newid < 100) throw new ApiError(400, 'Parameter verification failed.', { newid: 'type check (\'integer\') failed\n' });
          if (vms.has(newid)) throw new ApiError(500, `unable to create VM ${newid}: config file already exists`);
          if (!vm.template && form.full !== '1') throw new ApiError(500, 'linked clone feature is only available for templates');
          checkName(form.name);
          if (vm.lock) throw new ApiError(500, `VM is locked (${vm.lock})`);
          // The clone's config is written (locked) at once; its disks are copied by the task.
          const clone = addVm({ vmid: newid, node, name: form.name ?? `Copy-of-VM-${vm.name}`, tags: [...vm.tags], description: form.description ?? vm.description, lock: 'clone', disk: vm.disk });
          return startTask(node, 'qmclone', String(vmid), { onEnd: (ok) => (ok ? (clone.lock = undefined) : vms.delete(newid)) });
        }
        if (method === 'POST' && sub === '/template') {
          notLocked(vm);
          vm.lock = 'template';
          return startTask(node, 'qmtemplate', String(vmid), {
            onEnd: (ok) => {
              vm.lock = undefined;
              if (ok) vm.template = true;
            },
          });
        }
        if (method === 'DELETE' && sub === '') {
          notLocked(vm);
          vm.lock = 'destroyed';
          return startTask(node, 'qmdestroy', String(vmid), { onEnd: (ok) => (ok ? vms.delete(vmid) : (vm.lock = undefined)) });
        }
      }
    }
    throw new ApiError(501, `Method '${method} /api2/json${path}' not implemented`);
  }

  const server: Server = createServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, reason: string, body: unknown) => {
      requests.push({ method: req.method ?? 'GET', path: (req.url ?? '').split('?')[0]!, status });
      res.writeHead(status, reason, { 'Content-Type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify(body));
    };
    route(req).then(
      (data) => send(200, 'OK', { data }),
      (error: unknown) => {
        if (error instanceof ApiError) send(error.status, error.message, { data: null, ...(error.errors ? { errors: error.errors } : {}) });
        else send(500, (error as Error).message, { data: null });
      },
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caFile: tls.cert,
    fingerprint: new X509Certificate(readFileSync(tls.cert)).fingerprint256,
    tokenId,
    secret,
    vms,
    tasks,
    requests,
    addVm,
    failNextTask: (type, exitstatus, skip = 0) => failures.set(type, { exitstatus, skip }),
    expireToken: () => {
      expired = true;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
