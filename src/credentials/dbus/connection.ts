/**
 * A D-Bus connection to the session bus, enough to call methods: connect (unix path or abstract
 * socket), authenticate with EXTERNAL (the uid), Hello, then calls matched to replies by serial.
 * Signals and other messages are skipped. Every call has a time limit.
 */
import { createConnection, type Socket } from 'node:net';
import { type DbusValue, Reader, splitTypes, Writer } from './wire.js';

export interface DbusCall {
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: DbusValue[];
}

export class DbusError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(`${errorName}: ${message}`);
  }
}

/** The socket of a D-Bus address (`unix:path=/run/user/0/bus`, `unix:abstract=/tmp/dbus-x,guid=...`). */
export function socketPath(address: string): string {
  for (const entry of address.split(';')) {
    const [transport, params] = [entry.slice(0, entry.indexOf(':')), entry.slice(entry.indexOf(':') + 1)];
    if (transport !== 'unix') continue;
    const kv = new Map(params.split(',').map((p) => [p.slice(0, p.indexOf('=')), decodeURIComponent(p.slice(p.indexOf('=') + 1))]));
    if (kv.has('path')) return kv.get('path') ?? '';
    if (kv.has('abstract')) return `\0${kv.get('abstract')}`;
  }
  throw new Error(`no unix socket in the D-Bus address ${address}`);
}

export class DbusConnection {
  private serial = 0;
  private buf = Buffer.alloc(0);
  private waiting = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  private failed: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', (d: Buffer) => this.onData(d));
    const fail = (e: Error) => {
      this.failed = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the D-Bus connection closed')));
  }

  static async open(address: string, timeoutMs = 10_000): Promise<DbusConnection> {
    const socket = createConnection(socketPath(address));
    const timer = setTimeout(() => socket.destroy(new Error('timed out connecting to the D-Bus session bus')), timeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      const uid = Buffer.from(String(process.getuid?.() ?? 0)).toString('hex');
      socket.write(`\0AUTH EXTERNAL ${uid}\r\n`);
      const answer = await new Promise<string>((resolve, reject) => {
        let text = '';
        const onData = (d: Buffer) => {
          text += d.toString('latin1');
          if (text.includes('\r\n')) {
            socket.off('data', onData);
            resolve(text);
          }
        };
        socket.on('data', onData);
        socket.once('error', reject);
      });
      if (!answer.startsWith('OK ')) throw new Error(`the D-Bus session bus refused EXTERNAL authentication: ${answer.trim()}`);
      socket.write('BEGIN\r\n');
    } catch (e) {
      socket.destroy();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    const conn = new DbusConnection(socket, timeoutMs);
    await conn.call({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'Hello',
    });
    return conn;
  }

  async call(c: DbusCall): Promise<DbusValue[]> {
    if (this.failed) throw this.failed;
    const serial = ++this.serial;
    const body = new Writer();
    const types = splitTypes(c.signature ?? '');
    for (const [i, t] of types.entries()) body.write(t, c.body?.[i] as DbusValue);
    const bodyBuf = body.buffer();
    const fields: DbusValue[] = [
      [1, { sig: 'o', value: c.path }],
      [2, { sig: 's', value: c.interface }],
      [3, { sig: 's', value: c.member }],
      [6, { sig: 's', value: c.destination }],
    ];
    if (types.length > 0) fields.push([8, { sig: 'g', value: c.signature ?? '' }]);
    const head = new Writer();
    for (const [t, v] of [
      ['y', 'l'.charCodeAt(0)],
      ['y', 1],
      ['y', 0],
      ['y', 1],
      ['u', bodyBuf.length],
      ['u', serial],
      ['a(yv)', fields],
    ] as [string, DbusValue][])
      head.write(t, v);
    head.align(8);
    const reply = new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(serial);
        reject(new Error(`no answer from ${c.destination} to ${c.member} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiting.set(serial, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
    this.socket.write(Buffer.concat([head.buffer(), bodyBuf]));
    const m = await reply;
    const values = m.signature ? new Reader(m.body).read(`(${m.signature})`) : [];
    if (m.type === 3) throw new DbusError(m.errorName ?? 'org.freedesktop.DBus.Error.Failed', String((values as DbusValue[])[0] ?? ''));
    return values as DbusValue[];
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      if (this.buf.length < 16) return;
      const bodyLength = this.buf.readUInt32LE(4);
      const fieldsLength = this.buf.readUInt32LE(12);
      const headerEnd = 16 + fieldsLength + ((8 - ((16 + fieldsLength) % 8)) % 8);
      const total = headerEnd + bodyLength;
      if (this.buf.length < total) return;
      const msg = parseMessage(this.buf.subarray(0, total), headerEnd);
      this.buf = this.buf.subarray(total);
      if ((msg.type === 2 || msg.type === 3) && msg.replySerial !== undefined) {
        const w = this.waiting.get(msg.replySerial);
        this.waiting.delete(msg.replySerial);
        w?.resolve(msg);
      }
    }
  }
}

interface Message {
  type: number;
  replySerial?: number;
  errorName?: string;
  signature?: string;
  body: Buffer;
}

function parseMessage(buf: Buffer, headerEnd: number): Message {
  if (buf[0] !== 'l'.charCodeAt(0)) throw new Error('a big-endian D-Bus message (not supported)');
  const r = new Reader(buf, 12);
  const fields = r.read('a(yv)') as [number, { sig: string; value: DbusValue }][];
  const msg: Message = { type: buf[1] ?? 0, body: buf.subarray(headerEnd) };
  for (const [code, v] of fields) {
    if (code === 5) msg.replySerial = Number(v.value);
    else if (code === 4) msg.errorName = String(v.value);
    else if (code === 8) msg.signature = String(v.value);
  }
  return msg;
}
