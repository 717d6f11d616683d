/**
 * Progress on a real pseudo-terminal (util-linux `script`): at 80 columns a pull and a push never
 * show a line wider than the terminal (so nothing wraps) and no bars; at 120 columns docker's bars.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedImage, startFaultProxy, startRegistry, type FaultProxy, type Registry } from '../harness/index.mjs';
import { hubctlOnTerminal } from './run-cli.js';

let reg: Registry;
let proxy: FaultProxy;
let root: string;
/** Paths of the two large layers: the stalls go there (the config and the small layer are asked for first). */
let bigLayers: RegExp;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'open' });
  proxy = await startFaultProxy({ upstream: reg.host });
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-tty-'));
  const seeded = await seedImage(reg, 'team/big:1', { layers: [6_000_000, 3_000_000, 2000] });
  expect(seeded).toMatch(/^sha256:/);
  const res = await fetch(`http://${reg.host}/v2/team/big/manifests/1`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' },
  });
  const manifest = (await res.json()) as { layers: { digest: string; size: number }[] };
  const big = manifest.layers.filter((l) => l.size > 1_000_000).map((l) => l.digest);
  expect(big).toHaveLength(2);
  bigLayers = new RegExp(`/blobs/(${big.join('|')})$`);
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

const onTerminal = (columns: number, store: string, args: string[]) =>
  hubctlOnTerminal(args, { columns, env: { HOME: root, HUBCTL_STORE: store, DOCKER_CONFIG: join(root, 'docker') } });

/** Every line the terminal showed, escape sequences removed (each redraw writes whole lines). */
const shownLines = (screen: string) =>
  screen
    .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
    .split(/\r?\n|\r/)
    .filter((l) => l !== '');

const isProgressLine = (l: string) => /^[0-9a-f]{12}: /.test(l) || /^(Downloading|Pushing) \S+\/\S+/.test(l);

describe('progress on an 80-column terminal', () => {
  it('pull (slowed by a stall) and push: bars never drawn, no line wraps, throughput shown', async () => {
    const store = join(root, 'store80');
    proxy.setRules([{ method: 'GET', path: bigLayers, times: 2, action: { type: 'stall', afterBytes: 1_500_000, ms: 700 } }]);
    const pulled = await onTerminal(80, store, ['pull', `${proxy.host}/team/big:1`]);
    expect(pulled.code).toBe(0);
    const pullLines = shownLines(pulled.screen);
    expect(pullLines.some((l) => / Downloading \S+\/\S+$/.test(l))).toBe(true);
    expect(pullLines.some((l) => /^Downloading \S+\/\S+ {2}\S+\/s$/.test(l))).toBe(true);
    const tagged = await onTerminal(80, store, ['tag', `${proxy.host}/team/big:1`, `${reg.host}/other/big:1`]);
    expect(tagged.code).toBe(0);
    const pushed = await onTerminal(80, store, ['push', `${reg.host}/other/big:1`]);
    expect(pushed.code).toBe(0);
    const pushLines = shownLines(pushed.screen);
    expect(pushLines.some((l) => / Pushed$/.test(l))).toBe(true);
    // the redrawn block: layer lines and the status line (docker's one-off `TAG: digest: ... size: N` line may be longer)
    const block = [...pullLines, ...pushLines].filter(isProgressLine);
    expect(block.length).toBeGreaterThan(6);
    for (const line of block) {
      expect(line.length, line).toBeLessThan(80);
      expect(line).not.toMatch(/\[=*>? *\]/);
    }
    expect(new Set(pullLines.filter((l) => l.endsWith(': Pull complete'))).size).toBe(3);
  });

  it('at 120 columns the bars are drawn, and still no line is wider than the terminal', async () => {
    proxy.setRules([{ method: 'GET', path: bigLayers, times: 1, action: { type: 'stall', afterBytes: 1_500_000, ms: 700 } }]);
    const r = await onTerminal(120, join(root, 'store120'), ['pull', `${proxy.host}/team/big:1`]);
    expect(r.code).toBe(0);
    const lines = shownLines(r.screen);
    expect(lines.some((l) => /: Downloading \[=*>? *\] \S+\/\S+$/.test(l))).toBe(true);
    for (const line of lines.filter(isProgressLine)) expect(line.length, line).toBeLessThan(120);
  });
});
