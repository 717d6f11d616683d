/**
 * Items keytar wrote on Linux, read straight from the Secret Service over D-Bus. keytar (libsecret,
 * schema org.freedesktop.Secret.Generic) tagged an item `service` + `account`; @napi-rs/keyring tags
 * `service` + `username` and cannot search by `account`, so an item written by hubctl <= 0.1 would be
 * invisible. The keychain backend asks here when the keyring has nothing, and moves what it finds
 * to the keyring's layout (then deletes the old item), so each old item is read this way once.
 * Locked items are left alone (reading them would need the keyring's unlock prompt).
 */
import { DbusConnection } from './dbus/connection.js';
import type { DbusValue, Variant } from './dbus/wire.js';

const DEST = 'org.freedesktop.secrets';
const SERVICE_PATH = '/org/freedesktop/secrets';

export interface LegacyItem {
  path: string;
  account: string;
  secret: string;
}

export interface LegacyKeytar {
  /** keytar's items of `service` (only `account`'s when given). */
  find(service: string, account?: string): Promise<LegacyItem[]>;
  delete(item: LegacyItem): Promise<void>;
}

/** The legacy reader for the session bus in `env`, or undefined when there is no bus to read. */
export function legacyKeytar(env: Readonly<Record<string, string | undefined>>): LegacyKeytar | undefined {
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  if (address === undefined || address === '') return undefined;
  const withConnection = async <T>(fn: (c: DbusConnection, session: string) => Promise<T>): Promise<T> => {
    const c = await DbusConnection.open(address);
    try {
      const [, session] = await c.call({
        destination: DEST,
        path: SERVICE_PATH,
        interface: 'org.freedesktop.Secret.Service',
        member: 'OpenSession',
        signature: 'sv',
        body: ['plain', { sig: 's', value: '' }],
      });
      return await fn(c, String(session));
    } finally {
      c.close();
    }
  };
  return {
    find: (service, account) =>
      withConnection(async (c, session) => {
        const query: [string, string][] = [['service', service]];
        if (account !== undefined) query.push(['account', account]);
        const [unlocked] = await c.call({
          destination: DEST,
          path: SERVICE_PATH,
          interface: 'org.freedesktop.Secret.Service',
          member: 'SearchItems',
          signature: 'a{ss}',
          body: [query],
        });
        const items: LegacyItem[] = [];
        for (const path of (unlocked as DbusValue[]).map(String)) {
          const [attrs] = await c.call({
            destination: DEST,
            path,
            interface: 'org.freedesktop.DBus.Properties',
            member: 'Get',
            signature: 'ss',
            body: ['org.freedesktop.Secret.Item', 'Attributes'],
          });
          const map = new Map(((attrs as Variant).value as [string, string][]).map(([k, v]) => [String(k), String(v)]));
          // keyring's own items carry `username`; keytar's carry `account` only
          if (!map.has('account') || map.has('username')) continue;
          const [secret] = await c.call({
            destination: DEST,
            path,
            interface: 'org.freedesktop.Secret.Item',
            member: 'GetSecret',
            signature: 'o',
            body: [session],
          });
          const value = (secret as DbusValue[])[2] as Buffer;
          items.push({ path, account: map.get('account') ?? '', secret: value.toString('utf8') });
        }
        return items;
      }),
    delete: (item) =>
      withConnection(async (c) => {
        await c.call({ destination: DEST, path: item.path, interface: 'org.freedesktop.Secret.Item', member: 'Delete' });
      }),
  };
}
