// BENCHMARKS.md from the bench's rows: the time table, the CPU table and the targets of the pull issue.
import { cpus, totalmem } from 'node:os';
import { median, fmtS, fmtMiB } from './lib.mjs';

const range = (xs) => `${fmtS(median(xs))} (${fmtS(Math.min(...xs))}-${fmtS(Math.max(...xs))})`;
const med = (xs, key) => median(xs.map((x) => x[key]));
const peak = (xs) => Math.max(...xs.map((x) => x.rssKiB));
const gib = (bytes) => (bytes === 2 ** 30 ? '1 GiB' : `${(bytes / 2 ** 20).toFixed(0)} MiB`);

/**
 * rows: { title, hub: sample[], other?: sample[], otherName?: string, rateNote?: string }; a sample is
 * { seconds, rssKiB, cpuSeconds, registryCpuSeconds? }. targets: { measure, value, target, met }.
 */
export function renderReport({ command, skopeoVersion, loadBefore, loadAfter, rows, targets, notes, extraCaCerts }) {
  const lines = [
    '# Benchmarks',
    '',
    'hubctl against skopeo, and a pull against plain curl, on the same loopback CNCF distribution registries',
    '(Debian docker-registry 2.8), in one run, rotating which tool goes first. Registry storage, stores and',
    'destinations on tmpfs. Wall time and peak RSS from GNU time. Ratio = hubctl median / other median (below 1:',
    'hubctl is faster).',
    '',
    `- Command: \`${command}\``,
    `- Date: ${new Date().toISOString().slice(0, 10)}; ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; ${skopeoVersion}`,
    `- Load average (1 min) before / after the run: ${loadBefore} / ${loadAfter} (wall-clock ratios are only meaningful near 0; CPU seconds much less so)`,
    '- pull: `hubctl --root DIR pull -q REF` vs `skopeo copy -q docker://REF oci:DIR:x`; push: `hubctl --root STORE push -q REF` vs `skopeo copy -q oci:STORE:REF docker://REF` (same store, a fresh registry for every run so nothing can be mounted); copy: `hubctl copy -q SRC DST` vs `skopeo copy -q docker://SRC docker://DST` (a fresh destination registry for every run; registry CPU is both registries)',
    "- node floor (`bench/floor.mjs`): hubctl's blob path alone (the same 4 layers on 4 connections into hubctl's read pool, each read hashed on the main thread and written at its offset on libuv's pool, the digests checked); hubctl minus the floor is hubctl's own overhead",
    ...(extraCaCerts === undefined
      ? []
      : extraCaCerts.kept
        ? [
            `- NODE_EXTRA_CA_CERTS=${extraCaCerts.path} is set on this machine and kept (--keep-node-extra-ca-certs): every node process (hubctl, the node floor, \`node -e 0\`) parses that bundle as it starts (about 45 ms here)`,
          ]
        : [
            `- NODE_EXTRA_CA_CERTS=${extraCaCerts.path} is set on this machine; the node processes the bench starts (hubctl, the node floor, \`node -e 0\`) run without it, as on a user's machine: with it every node start parses the whole bundle (about 45 ms here; \`--keep-node-extra-ca-certs\` keeps it). skopeo is not affected`,
          ]),
    "- curl references: the big image's 4 layer blobs fetched by 4 curl processes at once into files on tmpfs (`curl -s -o FILE http://REGISTRY/v2/REPO/blobs/DIGEST`), alone, then each followed by `sha256sum FILE` (coreutils: plain C, no SHA-NI) or by `openssl dgst -sha256 FILE` (the SHA-NI code node hashes with)",
    '',
    '| measure | hubctl median (min-max) | other median (min-max) | ratio | hubctl peak RSS | other peak RSS |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const h = r.hub.map((x) => x.seconds);
    if (r.rateNote) {
      lines.push(`| ${r.title} | ${range(h)} | - | ${r.rateNote} | ${fmtMiB(peak(r.hub))} | - |`);
      continue;
    }
    const k = r.other.map((x) => x.seconds);
    lines.push(
      `| ${r.title} | ${range(h)} | ${range(k)}${r.otherName ? ` (${r.otherName})` : ''} | ${(median(h) / median(k)).toFixed(2)} | ${fmtMiB(peak(r.hub))} | ${fmtMiB(peak(r.other))} |`,
    );
  }
  const cpuRows = rows.filter((r) => r.other !== undefined && r.hub.every((x) => x.registryCpuSeconds !== undefined));
  if (cpuRows.length > 0) {
    lines.push(
      '',
      'CPU seconds per run (medians, user + system): the client from GNU time (for curl: all 4 jobs), the registry from',
      '/proc during the run. On this 2-core machine client and registry share the cores, so (client + registry) / 2 is a',
      'floor for the wall time.',
      '',
      '| measure | hubctl CPU | registry CPU (hubctl run) | floor for hubctl | other CPU | registry CPU (other run) | floor for other |',
      '|---|---|---|---|---|---|---|',
    );
    for (const r of cpuRows) {
      const hc = med(r.hub, 'cpuSeconds');
      const hr = med(r.hub, 'registryCpuSeconds');
      const oc = med(r.other, 'cpuSeconds');
      const or = r.other.every((x) => x.registryCpuSeconds !== undefined) ? med(r.other, 'registryCpuSeconds') : undefined;
      lines.push(
        `| ${r.title}${r.otherName === 'skopeo' ? ' (skopeo)' : ''} | ${fmtS(hc)} | ${fmtS(hr)} | ${fmtS((hc + hr) / 2)} | ${fmtS(oc)} | ${or === undefined ? '-' : fmtS(or)} | ${or === undefined ? '-' : fmtS((oc + or) / 2)} |`,
      );
    }
  }
  if (targets.length > 0) {
    lines.push(
      '',
      'Targets of the pull work (#16), from the rows above:',
      '',
      '| measure | this run | target | met |',
      '|---|---|---|---|',
    );
    for (const t of targets) lines.push(`| ${t.measure} | ${t.value} | ${t.target} | ${t.met ? 'yes' : 'no'} |`);
  }
  lines.push('', ...notes.map((x) => `- ${x}`), '');
  return lines.join('\n');
}

/** The #16 targets from the rows and samples that carry them (a target without its rows is left out). */
export function pullTargets({ big, small, bigBytes, rss4g }) {
  const out = [];
  const ratio = (a, b) => median(a.map((x) => x.seconds)) / median(b.map((x) => x.seconds));
  if (big?.curl) {
    const r = ratio(big.hubctl, big.curl);
    out.push({
      measure: `pull ${gib(bigBytes)} / 4 layers against 4 x curl (no hashing)`,
      value: `${r.toFixed(2)} x`,
      target: '<= 1.6 x',
      met: r <= 1.6,
    });
  }
  if (big?.skopeo) {
    const r = ratio(big.hubctl, big.skopeo);
    out.push({ measure: `pull ${gib(bigBytes)} / 4 layers against skopeo`, value: r.toFixed(2), target: '<= 0.65', met: r <= 0.65 });
  }
  if (small?.skopeo) {
    const r = ratio(small.hubctl, small.skopeo);
    out.push({ measure: 'pull 200 small layers against skopeo', value: r.toFixed(2), target: '<= 0.75', met: r <= 0.75 });
  }
  if (big?.hubctl) {
    const perGiB = med(big.hubctl, 'cpuSeconds') / (bigBytes / 2 ** 30);
    out.push({ measure: 'client CPU seconds per GiB pulled (user + system)', value: fmtS(perGiB), target: '<= 1.6 s', met: perGiB <= 1.6 });
    const small1 = peak(big.hubctl);
    const flat = rss4g === undefined ? '' : `; 4 x 1 GiB layers: ${fmtMiB(rss4g)}`;
    const worst = Math.max(small1, rss4g ?? 0);
    out.push({
      measure: 'peak RSS of a pull, flat in layer size',
      value: `4 x ${(bigBytes / 4 / 2 ** 20).toFixed(0)} MiB layers: ${fmtMiB(small1)}${flat}`,
      target: '<= 120 MiB',
      met: worst <= 120 * 1024,
    });
  }
  return out;
}
