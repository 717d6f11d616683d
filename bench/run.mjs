#!/usr/bin/env node
// `npm run bench`: hubctl against skopeo on the same loopback distribution registry, in one run,
// alternating which goes first, and writes medians, ranges and ratios to BENCHMARKS.md.
//   node bench/run.mjs [--runs 5] [--only pull-big,pull-small] [--big-mib 1024] [--out BENCHMARKS.md]
// Storage (registry data, stores, skopeo's destinations) is on tmpfs (/dev/shm) so disks don't decide.
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { startRegistry, seedImage, checkTools } from '../test/harness/index.mjs';
import { timed, median, fmtS, fmtMiB, requireGnuTime } from './lib.mjs';

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    'big-mib': { type: 'string', default: '1024' },
    out: { type: 'string', default: fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url)) },
  },
});
const RUNS = Number(opt.runs);
const BIG_MIB = Number(opt['big-mib']);
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const TMP = '/dev/shm';

const tools = checkTools();
if (!tools.ok) throw new Error(tools.message);
requireGnuTime();

const work = await mkdtemp(join(TMP, 'hubctl-bench-'));
const reg = await startRegistry({ mode: 'open', storageDir: work });
const results = [];
try {
  const big = 'bench/big:1';
  const small = 'bench/small:1';
  const layerBytes = Math.floor((BIG_MIB * 1024 * 1024) / 4);
  console.error(`seeding ${BIG_MIB} MiB in 4 incompressible layers and 200 small layers with skopeo...`);
  await seedImage(reg, big, { layers: [layerBytes, layerBytes, layerBytes, layerBytes], tmpDir: work, timeoutMs: 600_000 });
  await seedImage(reg, small, { count: 200, size: 16 * 1024, tmpDir: work, timeoutMs: 600_000 });

  const scenarios = [
    { id: 'pull-big', title: `pull ${BIG_MIB} MiB / 4 layers`, ref: big },
    { id: 'pull-small', title: 'pull 200 small layers', ref: small },
  ].filter((s) => !opt.only || opt.only.split(',').includes(s.id));

  for (const s of scenarios) {
    const hub = [];
    const sko = [];
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? ['hubctl', 'skopeo'] : ['skopeo', 'hubctl'];
      for (const who of order) {
        const dest = await mkdtemp(join(work, `${who}-`));
        if (who === 'hubctl') {
          hub.push(await timed(process.execPath, [BIN, '--root', dest, 'pull', '-q', `${reg.host}/${s.ref}`], { env: { ...process.env, HOME: work } }));
        } else {
          sko.push(await timed('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${reg.host}/${s.ref}`, `oci:${dest}:x`]));
        }
        await rm(dest, { recursive: true, force: true });
      }
      console.error(`${s.id} run ${i + 1}/${RUNS}: hubctl ${fmtS(hub.at(-1).seconds)} skopeo ${fmtS(sko.at(-1).seconds)}`);
    }
    results.push({ ...s, hub, sko });
  }
} finally {
  await reg.stop();
  await rm(work, { recursive: true, force: true });
}

const skopeoVersion = execFileSync('skopeo', ['--version'], { encoding: 'utf8' }).trim();
const lines = [
  '# Benchmarks',
  '',
  'hubctl against skopeo on the same loopback CNCF distribution registry (Debian docker-registry 2.8),',
  'registry storage and destinations on tmpfs, runs alternating which tool goes first. Wall time and peak',
  'RSS from GNU time. Ratios are hubctl / skopeo medians (below 1 means hubctl is faster).',
  '',
  `- Command: \`npm run bench -- --runs ${RUNS}${opt.only ? ` --only ${opt.only}` : ''}\``,
  `- Date: ${new Date().toISOString().slice(0, 10)}; machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; ${skopeoVersion}`,
  `- hubctl: \`hubctl --root <tmpfs dir> pull -q <ref>\`; skopeo: \`skopeo copy -q --src-tls-verify=false docker://<ref> oci:<tmpfs dir>:x\``,
  '',
  '| measure | hubctl median (min-max) | skopeo median (min-max) | ratio | hubctl peak RSS | skopeo peak RSS |',
  '|---|---|---|---|---|---|',
];
for (const r of results) {
  const h = r.hub.map((x) => x.seconds);
  const k = r.sko.map((x) => x.seconds);
  lines.push(
    `| ${r.title} | ${fmtS(median(h))} (${fmtS(Math.min(...h))}-${fmtS(Math.max(...h))}) | ${fmtS(median(k))} (${fmtS(Math.min(...k))}-${fmtS(Math.max(...k))}) | ${(median(h) / median(k)).toFixed(2)} | ${fmtMiB(Math.max(...r.hub.map((x) => x.rssKiB)))} | ${fmtMiB(Math.max(...r.sko.map((x) => x.rssKiB)))} |`,
  );
}
lines.push('');
let previous = '';
try {
  previous = await readFile(opt.out, 'utf8');
} catch {}
const section = lines.join('\n');
await writeFile(opt.out, section + (previous.includes('## History') ? previous.slice(previous.indexOf('## History')) : ''));
console.log(section);
