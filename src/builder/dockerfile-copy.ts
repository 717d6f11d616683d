import { usageError } from '../errors.js';
import type { ImageConfig } from '../oci/types.js';
import { copyLayer } from './copy-layer.js';
import type { DockerIgnore } from './dockerignore.js';
import { dockerfileError, type DockerfileInstruction } from './dockerfile.js';
import { shellWord, shellWords } from './shell-words.js';
import type { BuildLog, LayerInput } from './types.js';

/** A Dockerfile instruction hubctl cannot carry out, with its line. */
export const refuse = (ins: DockerfileInstruction, why: string, hint?: string) =>
  usageError('DOCKERFILE_UNSUPPORTED', `Dockerfile:${ins.line}: ${ins.keyword} ${why}`, {
    hint: hint ?? 'see hubctl build --help for what a Dockerfile build supports',
    details: { line: ins.line },
  });

/** `--chown=uid[:gid]`: numeric ids (and `root`); names would need the image's /etc/passwd. */
export function parseChown(ins: DockerfileInstruction, value: string): { uid: number; gid: number } {
  const [u, g] = value.split(':') as [string, string | undefined];
  const id = (s: string) => (s === 'root' ? 0 : /^\d+$/.test(s) ? Number(s) : undefined);
  const uid = id(u);
  const gid = g === undefined ? uid : id(g);
  if (uid === undefined || gid === undefined) {
    throw refuse(
      ins,
      `--chown=${value}: user and group names cannot be resolved without running the image`,
      'give numeric ids, e.g. --chown=1000:1000',
    );
  }
  return { uid, gid };
}

export interface CopyContext {
  escape: string;
  lookup: (n: string) => string | undefined;
  config: ImageConfig;
  contextDir: string;
  ignore: DockerIgnore;
  mtime: Date;
  log: BuildLog;
}

export async function copyInstruction(ins: DockerfileInstruction, c: CopyContext): Promise<LayerInput> {
  const keyword = ins.keyword as 'COPY' | 'ADD';
  const wordOpts = { escape: c.escape, lookup: c.lookup };
  let chown: { uid: number; gid: number } | undefined;
  let chmod: number | undefined;
  for (const [flag, raw] of ins.flags) {
    const value = shellWord(raw, wordOpts);
    if (flag === 'chown') chown = parseChown(ins, value);
    else if (flag === 'chmod') {
      if (!/^[0-7]{3,4}$/.test(value)) throw refuse(ins, `--chmod=${value}: only octal modes are supported`);
      chmod = parseInt(value, 8);
    } else if (flag === 'from')
      throw refuse(
        ins,
        `--from=${value}: copying from another stage or image is not supported`,
        'prepare the files locally and COPY them from the context',
      );
    else if (flag === 'link') continue;
    else throw refuse(ins, `--${flag} is not supported`);
  }
  const words = ins.json ? ins.json.map((w) => shellWord(w, wordOpts)) : shellWords(ins.args, wordOpts);
  if (words.length < 2) throw dockerfileError(ins.line, `${keyword} needs at least one source and a destination`);
  const dest = words.pop()!;
  const spec: Parameters<typeof copyLayer>[0] = {
    where: `Dockerfile:${ins.line}`,
    keyword,
    sources: words,
    dest,
    workdir: c.config.config?.WorkingDir || '/',
    contextDir: c.contextDir,
    ignore: c.ignore,
    mtime: c.mtime,
    onWarning: c.log,
  };
  if (chown) spec.chown = chown;
  if (chmod !== undefined) spec.chmod = chmod;
  return copyLayer(spec, `Dockerfile:${ins.line} ${keyword}`, ins.original);
}
