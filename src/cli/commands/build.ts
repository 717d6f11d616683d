/** `hubctl build` (declared in table.ts): from --layer tars/directories on --from, or from a Dockerfile context. */
import * as api from '../../api/build.js';
import { parsePlatform } from '../../oci/platform.js';
import { shellWords } from '../../builder/shell-words.js';
import { familiarString, parseReference } from '../../ref/reference.js';
import { usageError } from '../../errors.js';
import type { CliRuntime } from '../runtime.js';
import { withClient } from '../with-client.js';
import { startSpinner } from '../spinner.js';

export interface BuildFlags {
  tag: string[];
  file?: string;
  buildArg: string[];
  from?: string;
  layer: string[];
  cmd?: string;
  entrypoint?: string;
  env: string[];
  label: string[];
  workdir?: string;
  user?: string;
  expose: string[];
  platform?: string;
  target?: string;
  format: string;
  quiet?: boolean;
}

export async function buildCommand(rt: CliRuntime, context: string | undefined, opts: BuildFlags): Promise<void> {
  if (opts.format !== 'oci' && opts.format !== 'docker')
    throw usageError('INVALID_FLAG', `--format must be oci or docker, not "${opts.format}"`);
  const dockerfileMode = context !== undefined || opts.file !== undefined;
  if (!dockerfileMode && opts.target !== undefined)
    throw usageError('INVALID_FLAG', '--target picks a stage of a Dockerfile: give a CONTEXT');
  if (dockerfileMode && (opts.layer.length > 0 || opts.from !== undefined)) {
    throw usageError('INVALID_FLAG', '--layer and --from build from layers; -f/CONTEXT build from a Dockerfile: use one or the other');
  }
  if (!dockerfileMode && opts.layer.length === 0 && opts.from === undefined) {
    throw usageError('NOTHING_TO_BUILD', 'nothing to build', {
      hint: 'give --layer PATH (and --from BASE), or a Dockerfile context: hubctl build -t NAME .',
    });
  }
  const sde = rt.env.SOURCE_DATE_EPOCH;
  if (sde !== undefined && !/^\d+$/.test(sde))
    throw usageError('INVALID_SOURCE_DATE_EPOCH', `SOURCE_DATE_EPOCH must be whole seconds, not "${sde}"`);
  const words = (flag: string, v: string | undefined) =>
    v === undefined ? undefined : commandWords(flag, v, (s) => shellWords(s, { lookup: (name) => `$${name}` }));
  const quiet = Boolean(opts.quiet);
  const common = {
    tags: opts.tag,
    format: opts.format as 'oci' | 'docker',
    signal: rt.signal,
    ...(sde !== undefined ? { sourceDateEpoch: Number(sde) } : {}),
    ...(opts.platform ? { platform: parsePlatform(opts.platform) } : {}),
    onLog: (line: string) => (quiet ? undefined : rt.out.info(line)),
  };
  const result = await withClient(rt, {}, (client) =>
    dockerfileMode
      ? api.buildFromDockerfile(client, {
          ...common,
          context: context ?? '.',
          ...(opts.file ? { dockerfile: opts.file } : {}),
          ...(opts.target !== undefined ? { target: opts.target } : {}),
          buildArgs: keyValues('--build-arg', opts.buildArg),
          labels: keyValues('--label', opts.label),
          // buildah's start-up (storage, bases handed over) prints nothing for a while
          onWait: (what: string) => {
            const spin = startSpinner(rt.out, what, { quiet });
            return () => spin.stop();
          },
        })
      : api.buildFromLayers(client, {
          ...common,
          layers: opts.layer,
          ...(opts.from ? { from: opts.from } : {}),
          ...defined({
            cmd: words('--cmd', opts.cmd),
            entrypoint: words('--entrypoint', opts.entrypoint),
            workdir: opts.workdir,
            user: opts.user,
          }),
          env: opts.env,
          labels: keyValues('--label', opts.label),
          expose: opts.expose,
        }),
  );
  if (!dockerfileMode && !quiet) {
    for (const t of result.tags) rt.out.info(`Successfully tagged ${familiarString(parseReference(t))}`);
  }
  rt.out.data(result.configDigest);
}

function commandWords(flag: string, value: string, split: (s: string) => string[]): string[] {
  if (value.trim().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw usageError('INVALID_FLAG', `${flag} looks like a JSON array but is not valid JSON: ${value}`);
    }
    if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) {
      throw usageError('INVALID_FLAG', `${flag} must be a JSON array of strings`);
    }
    return parsed;
  }
  return split(value);
}

function keyValues(flag: string, pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw usageError('INVALID_FLAG', `${flag} takes KEY=VALUE, not "${p}"`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
