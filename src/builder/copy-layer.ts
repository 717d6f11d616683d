import { createReadStream } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { usageError } from '../errors.js';
import { cleanPath, type DockerIgnore, patternToRegExp } from './dockerignore.js';
import { compressionOf } from './layer-source.js';
import { normalizeEntryName, checkTarEntry } from '../tar/index.js';
import { packTar, tarJoin, walkDirectory, type PackItem } from './tar-pack.js';
import type { BuildLog, LayerInput } from './types.js';

export interface CopySpec {
  /** For errors: `Dockerfile:7`. */
  where: string;
  keyword: 'COPY' | 'ADD';
  /** Sources relative to the context, variables already expanded. */
  sources: string[];
  /** Destination in the image, variables expanded; relative to `workdir` unless absolute. */
  dest: string;
  workdir: string;
  contextDir: string;
  ignore: DockerIgnore;
  mtime: Date;
  chown?: { uid: number; gid: number };
  chmod?: number;
  onWarning?: BuildLog;
}

type Action =
  | { kind: 'file'; abs: string; name: string; mode: number; size: number }
  | { kind: 'dir'; abs: string; prefix: string; rel: string }
  | { kind: 'archive'; abs: string; prefix: string; gzip: boolean };

const fail = (where: string, message: string, hint?: string) => usageError('DOCKERFILE_COPY', `${where}: ${message}`, hint ? { hint } : {});

const hasGlob = (s: string) => /[*?[]/.test(s);

/** Expands a context-relative source (with wildcards) to sorted context-relative paths, minus ignored ones. */
async function expandSource(spec: CopySpec, source: string): Promise<string[]> {
  const cleaned = posix.normalize(source.replace(/^\/+/, ''));
  if (cleaned === '..' || cleaned.startsWith('../')) {
    throw fail(spec.where, `${spec.keyword} source "${source}" is outside the build context`);
  }
  const rel = cleanPath(cleaned);
  if (!hasGlob(rel)) {
    if (rel !== '.' && spec.ignore.ignores(rel)) return [];
    try {
      await lstat(join(spec.contextDir, rel));
    } catch {
      return [];
    }
    return [rel];
  }
  let found = ['.'];
  for (const part of rel.split('/')) {
    const next: string[] = [];
    for (const base of found) {
      if (!hasGlob(part)) {
        next.push(base === '.' ? part : `${base}/${part}`);
        continue;
      }
      const re = patternToRegExp(part);
      let names: string[];
      try {
        names = await readdir(join(spec.contextDir, base));
      } catch {
        continue;
      }
      for (const n of names) if (re.test(n)) next.push(base === '.' ? n : `${base}/${n}`);
    }
    found = next;
  }
  const out: string[] = [];
  for (const f of found) {
    if (spec.ignore.ignores(f)) continue;
    try {
      await lstat(join(spec.contextDir, f));
      out.push(f);
    } catch {
      /* a literal part that does not exist */
    }
  }
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** Is the file a tar or a gzipped tar (by content, like docker's ADD)? */
async function archiveKind(abs: string): Promise<'tar' | 'gzip' | undefined> {
  let head = Buffer.alloc(0);
  const raw = createReadStream(abs, { start: 0, end: 4095 });
  for await (const c of raw) head = Buffer.concat([head, c as Buffer]);
  const isTar = (b: Buffer) => b.length >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar';
  if (isTar(head)) return 'tar';
  if (compressionOf(head) !== 'gzip') return undefined;
  let inflated = Buffer.alloc(0);
  const gunzip = createGunzip();
  try {
    await pipeline(createReadStream(abs), gunzip, async (src: AsyncIterable<Buffer>) => {
      for await (const c of src) {
        inflated = Buffer.concat([inflated, c]);
        if (inflated.length >= 512) throw new Error('enough');
      }
    });
  } catch {
    /* stopped early, or not gzip after all */
  }
  return isTar(inflated) ? 'gzip' : undefined;
}

/** Resolves every source now (so errors point at the instruction), into actions streamed later. */
async function plan(spec: CopySpec): Promise<{ actions: Action[]; dirs: string[] }> {
  for (const s of spec.sources) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('git@')) {
      throw fail(
        spec.where,
        `${spec.keyword} of the URL "${s}" is not supported; hubctl builds only from local files`,
        'download it first and COPY the file',
      );
    }
    if (s.startsWith('<<')) throw fail(spec.where, `${spec.keyword} with a here-document is not supported`);
  }
  const contextReal = await realpath(spec.contextDir);
  const expanded: string[] = [];
  for (const s of spec.sources) {
    const matches = await expandSource(spec, s);
    if (matches.length === 0) {
      throw fail(spec.where, `${spec.keyword} failed: "${s}" not found in the build context (or excluded by .dockerignore)`);
    }
    expanded.push(...matches);
  }
  const destText = spec.dest;
  const destAbs = posix.resolve('/', spec.workdir || '/', destText);
  const destIsDir = destText.endsWith('/') || destText === '.' || destText.endsWith('/.') || destAbs === '/';
  if (expanded.length > 1 && !destIsDir) {
    throw fail(spec.where, `when ${spec.keyword} has several sources the destination must be a directory ending in /`);
  }
  const destRel = destAbs.slice(1);
  const actions: Action[] = [];
  const dirs = new Set<string>();
  const addParents = (p: string) => {
    const parts = p.split('/').filter((x) => x !== '');
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  };
  for (const rel of expanded) {
    const abs = join(spec.contextDir, rel);
    const real = await realpath(abs).catch(() => undefined);
    if (real === undefined || (real !== contextReal && !real.startsWith(contextReal + sep))) {
      throw fail(spec.where, `${spec.keyword} source "${rel}" is a link that leads outside the build context`);
    }
    const st = await stat(real);
    if (st.isDirectory()) {
      addParents(destRel);
      actions.push({ kind: 'dir', abs: real, prefix: destRel, rel });
      continue;
    }
    if (!st.isFile()) throw fail(spec.where, `${spec.keyword} source "${rel}" is not a regular file or directory`);
    if (spec.keyword === 'ADD') {
      const kind = await archiveKind(real);
      if (kind !== undefined) {
        addParents(destRel);
        actions.push({ kind: 'archive', abs: real, prefix: destRel, gzip: kind === 'gzip' });
        continue;
      }
    }
    const name = destIsDir ? tarJoin(destRel, posix.basename(rel)) : destRel;
    if (name === '') throw fail(spec.where, `cannot ${spec.keyword} a file onto /`);
    addParents(posix.dirname(name) === '.' ? '' : posix.dirname(name));
    actions.push({ kind: 'file', abs: real, name, mode: st.mode & 0o7777, size: st.size });
  }
  return { actions, dirs: [...dirs] };
}

async function* archiveItems(action: Extract<Action, { kind: 'archive' }>, where: string): AsyncGenerator<PackItem> {
  const extract = tar.extract();
  const source = createReadStream(action.abs);
  const feeding = (action.gzip ? pipeline(source, createGunzip(), extract) : pipeline(source, extract)).catch((e: unknown) => {
    extract.destroy(e as Error);
  });
  const label = `${where} ${posix.basename(action.abs)}`;
  for await (const entry of extract) {
    const h = entry.header;
    const name = checkTarEntry(h, label);
    if (name === '') {
      for await (const _ of entry) void _;
      continue;
    }
    const type = h.type;
    if (!['file', 'directory', 'symlink', 'link', 'character-device', 'block-device', 'fifo', 'contiguous-file'].includes(type)) {
      for await (const _ of entry) void _;
      continue;
    }
    const item: PackItem = {
      name: tarJoin(action.prefix, name),
      type: type === 'contiguous-file' ? 'file' : (type as PackItem['type']),
      mode: h.mode & 0o7777,
      uid: h.uid,
      gid: h.gid,
      mtime: h.mtime,
      size: h.size,
      body: entry as unknown as AsyncIterable<Buffer>,
      devmajor: h.devmajor,
      devminor: h.devminor,
    };
    if (type === 'symlink') item.linkname = h.linkname;
    if (type === 'link') item.linkname = tarJoin(action.prefix, normalizeEntryName(h.linkname));
    yield item;
    for await (const _ of entry) void _;
  }
  await feeding;
}

/**
 * One COPY/ADD as a layer: parent directories of the destination, then each source (files, the
 * contents of directories, or for ADD the entries of a local tar), owned by root or `--chown`.
 */
export async function copyLayer(spec: CopySpec, name: string, createdBy: string): Promise<LayerInput> {
  const { actions, dirs } = await plan(spec);
  const owner = spec.chown ?? { uid: 0, gid: 0 };
  const own = (item: PackItem): PackItem => {
    const out: PackItem = { ...item, uid: owner.uid, gid: owner.gid };
    if (spec.chmod !== undefined && (item.type === 'file' || item.type === 'directory')) out.mode = spec.chmod;
    return out;
  };
  async function* items(): AsyncGenerator<PackItem> {
    for (const d of dirs) yield { name: d, type: 'directory', mode: 0o755, uid: 0, gid: 0 };
    const hardlinks = new Map<string, string>();
    for (const a of actions) {
      if (a.kind === 'file') {
        yield own({ name: a.name, type: 'file', mode: a.mode, size: a.size, sourcePath: a.abs });
      } else if (a.kind === 'dir') {
        const walkOpts: Parameters<typeof walkDirectory>[1] = {
          prefix: a.prefix,
          hardlinks,
          filter: (relPath, isDir) => spec.ignore.decide(a.rel === '.' ? relPath : `${a.rel}/${relPath}`, isDir),
        };
        if (spec.onWarning) walkOpts.onWarning = spec.onWarning;
        for await (const item of walkDirectory(a.abs, walkOpts)) yield own(item);
      } else {
        yield* archiveItems(a, spec.where);
      }
    }
  }
  return { name, kind: 'tar', createdBy, open: () => packTar(items(), { mtime: spec.mtime }) };
}
