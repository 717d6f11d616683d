/**
 * The D-Bus wire format (little-endian), as much of it as the Secret Service needs: the basic types
 * y b u i s o g, arrays, structs, dict entries and variants. A value is written against its signature;
 * a variant is `{ sig, value }`.
 */

export type DbusValue = number | boolean | string | Buffer | DbusValue[] | [DbusValue, DbusValue] | Variant;
export interface Variant {
  sig: string;
  value: DbusValue;
}

const ALIGN: Record<string, number> = { y: 1, b: 4, u: 4, i: 4, s: 4, o: 4, g: 1, a: 4, v: 1, '(': 8, '{': 8 };

/** The first complete type of a signature (`a{ss}` of `a{ss}s`). */
export function firstType(sig: string): string {
  const c = sig[0];
  if (c === 'a') return `a${firstType(sig.slice(1))}`;
  if (c === '(' || c === '{') {
    const close = c === '(' ? ')' : '}';
    let depth = 0;
    for (let i = 0; i < sig.length; i++) {
      if (sig[i] === c) depth++;
      else if (sig[i] === close && --depth === 0) return sig.slice(0, i + 1);
    }
    throw new Error(`unbalanced D-Bus signature ${sig}`);
  }
  if (c === undefined || !(c in ALIGN)) throw new Error(`unsupported D-Bus type in ${sig}`);
  return c;
}

export function splitTypes(sig: string): string[] {
  const out: string[] = [];
  for (let rest = sig; rest.length > 0; ) {
    const t = firstType(rest);
    out.push(t);
    rest = rest.slice(t.length);
  }
  return out;
}

export class Writer {
  private chunks: Buffer[] = [];
  length = 0;
  private push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  align(n: number): void {
    const pad = (n - (this.length % n)) % n;
    if (pad) this.push(Buffer.alloc(pad));
  }
  u32(v: number): void {
    this.align(4);
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.push(b);
  }
  write(type: string, value: DbusValue): void {
    const c = type[0];
    switch (c) {
      case 'y':
        this.push(Buffer.from([Number(value)]));
        return;
      case 'b':
        this.u32(value ? 1 : 0);
        return;
      case 'u':
      case 'i':
        this.align(4);
        this.push(Buffer.from(new Uint32Array([Number(value) >>> 0]).buffer));
        return;
      case 's':
      case 'o': {
        const s = Buffer.from(String(value), 'utf8');
        this.u32(s.length);
        this.push(Buffer.concat([s, Buffer.alloc(1)]));
        return;
      }
      case 'g': {
        const s = Buffer.from(String(value), 'ascii');
        this.push(Buffer.concat([Buffer.from([s.length]), s, Buffer.alloc(1)]));
        return;
      }
      case 'v': {
        const v = value as Variant;
        this.write('g', v.sig);
        this.write(v.sig, v.value);
        return;
      }
      case 'a': {
        const elem = type.slice(1);
        this.u32(0);
        const lengthAt = this.length - 4;
        this.align(ALIGN[elem[0] ?? 'y'] ?? 1);
        const start = this.length;
        const items = Buffer.isBuffer(value) ? [...value] : (value as DbusValue[]);
        for (const item of items) this.write(elem, item);
        const body = this.length - start;
        const all = Buffer.concat(this.chunks);
        all.writeUInt32LE(body, lengthAt);
        this.chunks = [all];
        return;
      }
      case '(':
      case '{': {
        this.align(8);
        const inner = splitTypes(type.slice(1, -1));
        const values = value as DbusValue[];
        for (const [i, t] of inner.entries()) this.write(t, values[i] as DbusValue);
        return;
      }
      default:
        throw new Error(`unsupported D-Bus type ${type}`);
    }
  }
  buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export class Reader {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}
  align(n: number): void {
    this.pos += (n - (this.pos % n)) % n;
  }
  u32(): number {
    this.align(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  read(type: string): DbusValue {
    const c = type[0];
    switch (c) {
      case 'y':
        return this.buf[this.pos++] ?? 0;
      case 'b':
        return this.u32() !== 0;
      case 'u':
        return this.u32();
      case 'i': {
        this.align(4);
        const v = this.buf.readInt32LE(this.pos);
        this.pos += 4;
        return v;
      }
      case 's':
      case 'o': {
        const n = this.u32();
        const s = this.buf.toString('utf8', this.pos, this.pos + n);
        this.pos += n + 1;
        return s;
      }
      case 'g': {
        const n = this.buf[this.pos++] ?? 0;
        const s = this.buf.toString('ascii', this.pos, this.pos + n);
        this.pos += n + 1;
        return s;
      }
      case 'v': {
        const sig = this.read('g') as string;
        return { sig, value: this.read(sig) };
      }
      case 'a': {
        const elem = type.slice(1);
        const n = this.u32();
        this.align(ALIGN[elem[0] ?? 'y'] ?? 1);
        const end = this.pos + n;
        if (elem === 'y') {
          const b = this.buf.subarray(this.pos, end);
          this.pos = end;
          return Buffer.from(b);
        }
        const out: DbusValue[] = [];
        while (this.pos < end) out.push(this.read(elem));
        return out;
      }
      case '(':
      case '{': {
        this.align(8);
        return splitTypes(type.slice(1, -1)).map((t) => this.read(t));
      }
      default:
        throw new Error(`unsupported D-Bus type ${type}`);
    }
  }
}
