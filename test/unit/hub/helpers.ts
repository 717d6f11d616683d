import { expect } from 'vitest';
import { HubClient, type HubClientOptions } from '../../../src/hub/index.js';
import { startHubEmulator, type HubEmulator } from '../../harness/index.mjs';

/** Seeds the accounts most tests use: alice (password), bob, carol (2FA), the org acme owned by alice. */
export async function startSeededHub(opts: Parameters<typeof startHubEmulator>[0] = {}): Promise<HubEmulator> {
  const emu = await startHubEmulator(opts);
  emu.state.addUser('alice', 'alice-password');
  emu.state.addUser('bob', 'bob-password');
  emu.state.addUser('carol', 'carol-password', { twoFactorCode: '123456' });
  emu.state.addOrg('acme', { owners: ['alice'], members: { bob: 'member' } });
  return emu;
}

/** A client of the emulator logged in as `identifier`; debug lines collected in `lines`. */
export function hubClient(
  emu: HubEmulator,
  identifier: string | undefined,
  secret?: string,
  extra: Partial<HubClientOptions> = {},
): HubClient & { lines: string[] } {
  const lines: string[] = [];
  const client = new HubClient({
    baseUrl: emu.url,
    credential: async () => (identifier === undefined ? undefined : { identifier, secret: secret ?? `${identifier}-password` }),
    debug: (l) => lines.push(l),
    sleep: async () => undefined,
    ...extra,
  });
  return Object.assign(client, { lines });
}

/** Every request and answer matched Docker's description; then the log, faults and violations are cleared. */
export function expectNoViolations(emu: HubEmulator): void {
  const seen = [...emu.violations];
  emu.clear();
  expect(seen, JSON.stringify(seen, null, 2)).toEqual([]);
}
