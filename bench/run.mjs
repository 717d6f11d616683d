#!/usr/bin/env node
// `npm run bench`: hubctl against skopeo (and a pull against plain curl) on the same loopback distribution
// registries, in one run, rotating which tool goes first, then medians, ranges, ratios, CPU seconds and
// peak RSS into BENCHMARKS.md.
//   node bench/run.mjs [--runs 5] [--only pull-big,pull-small,push-big,push-small,copy-big,copy-small,start,build,rss-4g] [--big-mib 1024]
// Registry data, stores and skopeo's destinations live on tmpfs (/dev/shm) so the disk does not decide;
// the 4 GiB RSS check uses the disk (tmpdir) to leave memory alone.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { startRegistry, seedImage, checkTools } from '../test/harness/index.mjs';
import { timed, median, fmtS, fmtMiB, requireGnuTime, processCpuSeconds } from './lib.mjs';
import { writeRandomTree, gzipOneCoreSeconds } from './data.mjs';
import { CURL_VARIANTS, checkCurlFiles, curlJobs, layerUrls } from './refs.mjs';
import { pullTargets, renderReport } from './report.mjs';

const ALL = ['pull-big', 'pull-small', 'push-big', 'push-small', 'copy-big', 'copy-small', 'start', 'build', 'rss-4g'];
const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    only: { type: 'string', default: ALL.join(',') },
    'big-mib': { type: 'string', default: '1024' },
    'keep-node-extra-ca-certs': { type: 'boolean', default: false },
    out: { type: 'string', default: fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url)) },
  },
});
const RUNS = Number(opt.runs);
const BIG_MIB = Number(opt['big-mib']);
const ONLY = new Set(opt.only.split(','));
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const FLOOR = fileURLToPath(new URL('./floor.mjs', import.meta.url));
const SHM = '/dev/shm';

const tools = checkTools();
if (!tools.ok) throw new Error(tools.message);
requireGnuTime();

const load1 = () => loadavg()[0].toFixed(2);
const loadBefore = load1();
const work = await mkdtemp(join(SHM, 'hubctl-bench-'));
// NODE_EXTRA_CA_CERTS (set on the bench machine to the whole system CA bundle) makes every node process
// parse it as it starts: about 45 ms here, on every hubctl run and on `node -e 0`. A user's shell does not
// normally set it, and skopeo (Go) is not affected, so the node processes the bench starts run without it
// unless --keep-node-extra-ca-certs; the report says which.
const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS;
const nodeEnv = { ...process.env };
if (!opt['keep-node-extra-ca-certs']) delete nodeEnv.NODE_EXTRA_CA_CERTS;
const env = { ...nodeEnv, HOME: work, DOCKER_CONFIG: join(work, 'docker') };
const hubctl = (args) => timed(process.execPath, [BIN, ...args], { env });
const skopeo = (args) => timed('skopeo', args);
const rows = [];
const notes = [];
const registries = [];
/** Samples per tool of the rows the #16 targets are read from. */
const forTargets = {};

/**
 * Runs every tool of `names` RUNS times, rotating the order each round so each goes first equally
 * often; `prepare(who, i)` gives the command, a cleanup, and the registry doing the work, or a list
 * of them (their CPU during the run is recorded: on a 2-core machine they share the cores with the
 * client). Resolves with the samples per tool.
 */
async function contest(id, names, prepare) {
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < RUNS; i++) {
    const order = [...names.slice(i % names.length), ...names.slice(0, i % names.length)];
    for (const who of order) {
      const { run, cleanup, registry } = await prepare(who, i);
      const involved = [registry ?? []].flat();
      const cpu = () => {
        const each = involved.map((r) => (r.pid ? processCpuSeconds(r.pid) : undefined));
        return involved.length > 0 && each.every((x) => x !== undefined) ? each.reduce((a, b) => a + b, 0) : undefined;
      };
      const before = cpu();
      const sample = await run();
      const after = cpu();
      if (before !== undefined && after !== undefined) sample.registryCpuSeconds = after - before;
      samples[who].push(sample);
      await cleanup?.();
    }
    console.error(`${id} ${i + 1}/${RUNS}: ${names.map((n) => `${n} ${fmtS(samples[n].at(-1).seconds)}`).join(', ')} (load ${load1()})`);
  }
  return samples;
}

/** hubctl against skopeo: one row. */
async function pair(id, title, prepare) {
  const s = await contest(id, ['hubctl', 'skopeo'], prepare);
  rows.push({ title, hub: s.hubctl, other: s.skopeo, otherName: 'skopeo' });
  return s;
}

try {
  const src = await startRegistry({ mode: 'open', storageDir: work });
  registries.push(src);
  const layer = Math.floor((BIG_MIB * 1024 * 1024) / 4);
  const wantBig = ['pull-big', 'push-big', 'copy-big'].some((x) => ONLY.has(x));
  const wantSmall = ['pull-small', 'push-small', 'copy-small'].some((x) => ONLY.has(x));
  console.error('seeding with skopeo...');
  if (wantBig) await seedImage(src, 'bench/big:1', { layers: [layer, layer, layer, layer], tmpDir: work, timeoutMs: 900_000 });
  if (wantSmall) await seedImage(src, 'bench/small:1', { count: 200, size: 16 * 1024, tmpDir: work, timeoutMs: 900_000 });

  if (ONLY.has('pull-big')) {
    // hubctl, skopeo and the curl references in the same rounds, so load at the time weighs on all
    const layers = await layerUrls(src, 'bench/big', '1');
    const title = `pull ${BIG_MIB} MiB / 4 layers`;
    const names = ['hubctl', 'skopeo', ...Object.keys(CURL_VARIANTS), 'node-floor'];
    const s = await contest('pull-big', names, async (who) => {
      const dest = await mkdtemp(join(work, `${who}-`));
      const cleanup = () => rm(dest, { recursive: true, force: true });
      if (who === 'hubctl') return { run: () => hubctl(['--root', dest, 'pull', '-q', `${src.host}/bench/big:1`]), cleanup, registry: src };
      if (who === 'skopeo') {
        const run = () => skopeo(['copy', '-q', '--src-tls-verify=false', `docker://${src.host}/bench/big:1`, `oci:${dest}:x`]);
        return { run, cleanup, registry: src };
      }
      if (who === 'node-floor')
        return { run: () => timed(process.execPath, [FLOOR, dest, JSON.stringify(layers)], { env: nodeEnv }), cleanup, registry: src };
      const run = async () => {
        const sample = await timed('sh', curlJobs(who, layers, dest));
        await checkCurlFiles(layers, dest);
        return sample;
      };
      return { run, cleanup, registry: src };
    });
    rows.push({ title, hub: s.hubctl, other: s.skopeo, otherName: 'skopeo' });
    for (const v of Object.keys(CURL_VARIANTS))
      rows.push({ title: `${title} against ${CURL_VARIANTS[v].label}`, hub: s.hubctl, other: s[v], otherName: v });
    rows.push({
      title: `${title} against the node floor (bench/floor.mjs)`,
      hub: s.hubctl,
      other: s['node-floor'],
      otherName: 'node-floor',
    });
    forTargets.big = s;
  }
  if (ONLY.has('pull-small')) {
    forTargets.small = await pair('pull-small', 'pull 200 small layers', async (who) => {
      const dest = await mkdtemp(join(work, `${who}-`));
      const ref = `${src.host}/bench/small:1`;
      const run =
        who === 'hubctl'
          ? () => hubctl(['--root', dest, 'pull', '-q', ref])
          : () => skopeo(['copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `oci:${dest}:x`]);
      return { run, cleanup: () => rm(dest, { recursive: true, force: true }), registry: src };
    });
  }

  // Push: both tools read the same hubctl store (skopeo through its oci: transport) and push to a
  // registry started fresh for that run, so every blob is really uploaded: no cross-repository mount
  // from an earlier run (hubctl's store or skopeo's blob-info cache would find one), no "already exists".
  for (const [id, ref, title] of [
    ['push-big', 'bench/big:1', `push ${BIG_MIB} MiB / 4 layers`],
    ['push-small', 'bench/small:1', 'push 200 small layers'],
  ]) {
    if (!ONLY.has(id)) continue;
    const store = join(work, `store-${id}`);
    execFileSync(process.execPath, [BIN, '--root', store, 'pull', '-q', `${src.host}/${ref}`], { env, stdio: 'ignore' });
    await pair(id, title, async (who) => {
      const dst = await startRegistry({ mode: 'open', storageDir: work });
      const target = `${dst.host}/${ref}`;
      const cleanup = () => dst.stop();
      if (who === 'hubctl') {
        execFileSync(process.execPath, [BIN, '--root', store, 'tag', `${src.host}/${ref}`, target], { env, stdio: 'ignore' });
        return { run: () => hubctl(['--root', store, 'push', '-q', target]), cleanup, registry: dst };
      }
      return {
        run: () => skopeo(['copy', '-q', '--dest-tls-verify=false', `oci:${store}:${src.host}/${ref}`, `docker://${target}`]),
        cleanup,
        registry: dst,
      };
    });
  }

  // Copy: registry to registry, the same source for both tools, a destination registry started fresh
  // for every run (nothing to find there, nothing to mount).
  for (const [id, ref, title] of [
    ['copy-big', 'bench/big:1', `copy ${BIG_MIB} MiB / 4 layers between registries`],
    ['copy-small', 'bench/small:1', 'copy 200 small layers between registries'],
  ]) {
    if (!ONLY.has(id)) continue;
    await pair(id, title, async (who) => {
      const dst = await startRegistry({ mode: 'open', storageDir: work });
      const from = `${src.host}/${ref}`;
      const to = `${dst.host}/${ref}`;
      const run =
        who === 'hubctl'
          ? () => hubctl(['--root', join(work, 'unused-store'), 'copy', '-q', from, to])
          : () => skopeo(['copy', '-q', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${from}`, `docker://${to}`]);
      return { run, cleanup: () => dst.stop(), registry: [src, dst] };
    });
  }

  if (ONLY.has('start')) {
    for (const [flag, title] of [
      ['--version', '`hubctl --version`'],
      ['--help', '`hubctl --help`'],
    ]) {
      const hub = [];
      const base = [];
      for (let i = 0; i < Math.max(RUNS, 15); i++) {
        hub.push(await hubctl([flag]));
        base.push(await timed(process.execPath, ['-e', '0'], { env: nodeEnv }));
      }
      rows.push({ title: `${title} (against \`node -e 0\`)`, hub, other: base });
    }
  }

  if (ONLY.has('build')) {
    // 1 GiB of files in 4 directories (mixed compressible and random data), one --layer each.
    const dirs = [];
    for (let i = 0; i < 4; i++) dirs.push(await writeRandomTree(join(work, `tree${i}`), layer, i));
    // the one-core reference is measured in every run, between builds, so load at the time weighs on both
    const oneCore = [];
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      oneCore.push(await gzipOneCoreSeconds(dirs[i % dirs.length]));
      const store = join(work, `build-store-${i}`);
      times.push(await hubctl(['--root', store, 'build', '-q', '-t', 'bench/built:1', ...dirs.flatMap((d) => ['--layer', d])]));
      await rm(store, { recursive: true, force: true });
      console.error(`build ${i + 1}/${RUNS}: ${fmtS(times.at(-1).seconds)}, one-core gzip of one tree ${fmtS(oneCore.at(-1))}`);
    }
    const oneCoreRate = layer / median(oneCore);
    const rate = (4 * layer) / median(times.map((t) => t.seconds));
    const treeMiB = (layer / 2 ** 20).toFixed(0);
    rows.push({
      title: `build of a ${BIG_MIB} MiB directory tree into 4 layers`,
      hub: times,
      rateNote: `${(rate / 2 ** 20).toFixed(0)} MiB/s = ${(rate / oneCoreRate).toFixed(2)} x the one-core gzip rate (${(oneCoreRate / 2 ** 20).toFixed(0)} MiB/s: median of ${RUNS} runs of node zlib level 6 on one ${treeMiB} MiB tree's tar, one layer alone, each run between two builds)`,
    });
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }

  if (ONLY.has('rss-4g')) {
    const disk = await mkdtemp(join(tmpdir(), 'hubctl-bench-4g-'));
    try {
      const reg = await startRegistry({ mode: 'open', storageDir: disk });
      registries.push(reg);
      const g = 1024 * 1024 * 1024;
      await seedImage(reg, 'bench/huge:1', { layers: [g, g, g, g], tmpDir: disk, timeoutMs: 1_800_000 });
      const store = join(disk, 'store');
      const pull = await hubctl(['--root', store, 'pull', '-q', `${reg.host}/bench/huge:1`]);
      forTargets.rss4g = pull.rssKiB;
      const dst = await startRegistry({ mode: 'open', storageDir: disk });
      registries.push(dst);
      execFileSync(process.execPath, [BIN, '--root', store, 'tag', `${reg.host}/bench/huge:1`, `${dst.host}/huge/copy:1`], { env });
      const push = await timed(process.execPath, [BIN, '--root', store, 'push', '-q', `${dst.host}/huge/copy:1`], { env });
      notes.push(
        `4 GiB image (4 x 1 GiB layers, registry and store on disk): hubctl pull ${fmtS(pull.seconds)} with peak RSS ${fmtMiB(pull.rssKiB)}; push ${fmtS(push.seconds)} with peak RSS ${fmtMiB(push.rssKiB)} (one run each).`,
      );
    } finally {
      await rm(disk, { recursive: true, force: true });
    }
  }
} finally {
  await Promise.allSettled(registries.map((r) => r.stop()));
  await rm(work, { recursive: true, force: true });
}

const skopeoVersion = execFileSync('skopeo', ['--version'], { encoding: 'utf8' }).trim();
const command = `npm run bench -- --runs ${RUNS}${opt.only === ALL.join(',') ? '' : ` --only ${opt.only}`}${BIG_MIB === 1024 ? '' : ` --big-mib ${BIG_MIB}`}`;
const targets = pullTargets({ ...forTargets, bigBytes: BIG_MIB * 2 ** 20 });
const text = renderReport({
  command,
  skopeoVersion,
  loadBefore,
  loadAfter: load1(),
  rows,
  targets,
  notes,
  extraCaCerts: extraCaCerts === undefined ? undefined : { path: extraCaCerts, kept: Boolean(opt['keep-node-extra-ca-certs']) },
});
// The hand-written "Before and after" section (changes measured side by side, with their commands) is kept
// from the file this run replaces: the tables above are this run's, the history is not.
const HISTORY = '\n## Before and after';
const previous = await readFile(opt.out, 'utf8').catch(() => '');
const at = previous.indexOf(HISTORY);
await writeFile(opt.out, at < 0 ? text : `${text.trimEnd()}\n${previous.slice(at)}`);
console.log(text);
