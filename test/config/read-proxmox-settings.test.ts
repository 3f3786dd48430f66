import { describe, expect, it } from 'vitest';
import { readProxmoxSettings } from '../../src/config/read-proxmox-settings.js';

const good = { PROXMOX_URL: 'https://pve.example.internal:8006', PROXMOX_TOKEN_ID: 'goldsmith@pve!promote', PROXMOX_TOKEN_SECRET: '0b6f2c1e-3d4a-4f5b-8c9d-0e1f2a3b4c5d' };

describe('readProxmoxSettings', () => {
  it('builds the API base and the token header from the three variables', () => {
    const settings = readProxmoxSettings(good);
    expect(settings).toMatchObject({ apiBase: 'https://pve.example.internal:8006/api2/json', host: 'pve.example.internal:8006', tokenId: 'goldsmith@pve!promote', secrets: [good.PROXMOX_TOKEN_SECRET] });
    expect(settings.authorization).toBe(`PVEAPIToken=goldsmith@pve!promote=${good.PROXMOX_TOKEN_SECRET}`);
    // The API base itself, or a host alone, work too; the port defaults to 8006.
    expect(readProxmoxSettings({ ...good, PROXMOX_URL: 'https://pve.example.internal:8006/api2/json' }).apiBase).toBe('https://pve.example.internal:8006/api2/json');
    expect(readProxmoxSettings({ ...good, PROXMOX_URL: 'pve.example.internal' }).apiBase).toBe('https://pve.example.internal:8006/api2/json');
    expect(readProxmoxSettings({ ...good, PROXMOX_URL: 'https://gw.example.internal/pve/' }).apiBase).toBe('https://gw.example.internal:8006/pve/api2/json');
    expect(readProxmoxSettings({ ...good, PROXMOX_URL: 'https://gw.example.internal:443/pve/api2/json/' }).apiBase).toBe('https://gw.example.internal:443/pve/api2/json');
  });

  it.each([
    [{ PROXMOX_URL: undefined }, 'PROXMOX_URL is not set: export PROXMOX_URL=https://pve.example.internal:8006'],
    [{ PROXMOX_URL: 'http://pve:8006' }, 'PROXMOX_URL must use https'],
    [{ PROXMOX_URL: 'https://root:pw@pve:8006' }, 'PROXMOX_URL must not hold credentials'],
    [{ PROXMOX_TOKEN_ID: undefined }, 'PROXMOX_TOKEN_ID is not set; give an API token id of the form user@realm!tokenid'],
    [{ PROXMOX_TOKEN_ID: 'goldsmith@pve' }, 'PROXMOX_TOKEN_ID "goldsmith@pve" is not an API token id of the form user@realm!tokenid'],
    [{ PROXMOX_TOKEN_SECRET: undefined }, 'PROXMOX_TOKEN_SECRET is not set: give the secret Proxmox showed when goldsmith@pve!promote was created'],
    [{ PROXMOX_TOKEN_SECRET: 'PVEAPIToken=goldsmith@pve!promote= abc' }, 'PROXMOX_TOKEN_SECRET holds white space'],
  ])('refuses %j, naming the variable and the fix', (change, message) => {
    const env = Object.fromEntries(Object.entries({ ...good, ...change }).filter(([, value]) => value !== undefined)) as Record<string, string>;
    expect(() => readProxmoxSettings(env)).toThrow(message);
  });

  it('never echoes the secret in an error', () => {
    let message = '';
    try {
      readProxmoxSettings({ ...good, PROXMOX_URL: 'ftp://x', PROXMOX_TOKEN_SECRET: 'super-secret-value' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('PROXMOX_URL');
    expect(message).not.toContain('super-secret-value');
  });
});
