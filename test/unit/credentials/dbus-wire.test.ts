/** The D-Bus wire format the legacy keytar reader speaks: values survive a write and a read, aligned as the spec says. */
import { describe, expect, it } from 'vitest';
import { socketPath } from '../../../src/credentials/dbus/connection.js';
import { type DbusValue, Reader, splitTypes, Writer } from '../../../src/credentials/dbus/wire.js';

const roundTrip = (sig: string, values: DbusValue[]) => {
  const w = new Writer();
  for (const [i, t] of splitTypes(sig).entries()) w.write(t, values[i] as DbusValue);
  return new Reader(w.buffer()).read(`(${sig})`);
};

describe('D-Bus wire', () => {
  it('splits signatures into complete types', () => {
    expect(splitTypes('sa{ss}(oayays)vao')).toEqual(['s', 'a{ss}', '(oayays)', 'v', 'ao']);
  });

  it('round-trips what the Secret Service calls use', () => {
    expect(roundTrip('sv', ['plain', { sig: 's', value: '' }])).toEqual(['plain', { sig: 's', value: '' }]);
    expect(
      roundTrip('a{ss}', [
        [
          ['service', 'hubctl'],
          ['account', 'reg:5000'],
        ],
      ]),
    ).toEqual([
      [
        ['service', 'hubctl'],
        ['account', 'reg:5000'],
      ],
    ]);
    expect(roundTrip('(oayays)', [['/s/1', Buffer.alloc(0), Buffer.from('{"a":1}'), 'text/plain']])).toEqual([
      ['/s/1', Buffer.alloc(0), Buffer.from('{"a":1}'), 'text/plain'],
    ]);
    expect(roundTrip('aoao', [['/a', '/b'], []])).toEqual([['/a', '/b'], []]);
    expect(roundTrip('ybu', [7, true, 4_000_000_000])).toEqual([7, true, 4_000_000_000]);
  });

  it('aligns as the spec says: a u32 after a byte starts at 4, a struct at 8, an empty array keeps its element padding', () => {
    const w = new Writer();
    w.write('y', 1);
    w.write('u', 2);
    expect([...w.buffer()]).toEqual([1, 0, 0, 0, 2, 0, 0, 0]);
    const a = new Writer();
    a.write('a(ss)', []);
    expect(a.buffer().length).toBe(8); // length, then padding to the struct's 8
  });

  it('reads unix path and abstract addresses', () => {
    expect(socketPath('unix:path=/run/user/0/bus')).toBe('/run/user/0/bus');
    expect(socketPath('unix:abstract=/tmp/dbus-AbC,guid=123')).toBe('\0/tmp/dbus-AbC');
    expect(() => socketPath('tcp:host=localhost,port=1')).toThrow(/no unix socket/);
  });
});
