// `hubctl build --layer DIR` while another process keeps appending to a file in DIR: one clear error
// naming the file (exit 7), never "internal error: Size mismatch" or "not a valid tar"; the store
// and its staging directory are left clean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hubctl } from './run-cli.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-changing-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('a file that changes while build reads it', () => {
  it('a file growing during the build: exit 7 "file …/d/big changed while being read"', async () => {
    const layer = join(root, 'layer');
    await mkdir(join(layer, 'd'), { recursive: true });
    const big = join(layer, 'd', 'big');
    // big enough that reading it takes a while, so the appends below land while it is being read
    await writeFile(big, Buffer.alloc(32 << 20, 7));
    // appends 64 KiB every 5 ms until stopped (bounded: 3000 appends, 188 MiB, 15 s)
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const fs=require('fs');const b=Buffer.alloc(65536,9);let n=0;process.stdout.write('go\\n');` +
          `const t=setInterval(()=>{if(n++<3000)fs.appendFileSync(${JSON.stringify(big)},b);else clearInterval(t);},5);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((r) => writer.stdout.once('data', () => r()));
    const env = { HOME: root, HUBCTL_STORE: join(root, 'store') };
    try {
      const r = await hubctl(['build', '-t', 'x/changing:1', '--layer', layer], { env });
      expect(r.code, r.stderr).toBe(7);
      expect(r.stderr).toMatch(new RegExp(`^Error: file ${big} changed while being read`, 'm'));
      expect(r.stderr).not.toMatch(/internal error|Size mismatch|not a valid tar|\n\s+at /);
    } finally {
      writer.kill('SIGKILL');
    }
    expect(await readdir(join(root, 'store', '.hubctl', 'tmp'))).toEqual([]);
    expect((await hubctl(['images', '-q'], { env })).stdout).toBe('');
  });
});
