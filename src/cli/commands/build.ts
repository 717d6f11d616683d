import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';
import { collect } from '../parse.js';
import { usageError } from '../../errors.js';

export function registerBuild(program: Command, rt: CliRuntime): void {
  program
    .command('build')
    .description('Build an image without a daemon: from local tar layers, or from a Dockerfile that needs no RUN')
    .argument('[context]', 'build context for -f/Dockerfile builds')
    .option('-t, --tag <name[:tag]>', 'tag the image (repeatable)', collect, [])
    .option('-f, --file <Dockerfile>', 'Dockerfile (default CONTEXT/Dockerfile when a context is given)')
    .option('--build-arg <k=v>', 'Dockerfile ARG value (repeatable)', collect, [])
    .option('--from <image>', "base image for --layer builds: 'scratch' (default) or a reference, pulled when absent")
    .option('--layer <path>', 'a tar, a gzipped tar or a directory (repeatable, in order)', collect, [])
    .option('--cmd <cmd>', 'CMD: a JSON array, or words split like a shell')
    .option('--entrypoint <cmd>', 'ENTRYPOINT: a JSON array, or words split like a shell')
    .option('--env <k=v>', 'environment variable (repeatable)', collect, [])
    .option('--label <k=v>', 'label (repeatable)', collect, [])
    .option('--workdir <dir>', 'working directory')
    .option('--user <user>', 'user[:group]')
    .option('--expose <port[/proto]>', 'exposed port (repeatable)', collect, [])
    .option('--platform <os/arch[/variant]>', 'platform of the image (default: the base\'s, else this machine\'s)')
    .option('--format <oci|docker>', 'manifest format', 'oci')
    .option('-q, --quiet', 'print only the image ID')
    .action(async (context: string | undefined, opts: BuildFlags) => {
      const [api, { withClient }, { parsePlatform }, { shellWords }, { familiarString, parseReference }] = await Promise.all([
        import('../../api/build.js'),
        import('../with-client.js'),
        import('../../oci/platform.js'),
        import('../../build/shell-words.js'),
        import('../../ref/reference.js'),
      ]);
      if (opts.format !== 'oci' && opts.format !== 'docker') throw usageError('INVALID_FLAG', `--format must be oci or docker, not "${opts.format}"`);
      const dockerfileMode = context !== undefined || opts.file !== undefined;
      if (dockerfileMode && (opts.layer.length > 0 || opts.from !== undefined)) {
        throw usageError('INVALID_FLAG', '--layer and --from build from layers; -f/CONTEXT build from a Dockerfile: use one or the other');
      }
      if (!dockerfileMode && opts.layer.length === 0 && opts.from === undefined) {
        throw usageError('NOTHING_TO_BUILD', 'nothing to build', { hint: 'give --layer PATH (and --from BASE), or a Dockerfile context: hubctl build -t NAME .' });
      }
      const sde = rt.env.SOURCE_DATE_EPOCH;
      if (sde !== undefined && !/^\d+$/.test(sde)) throw usageError('INVALID_SOURCE_DATE_EPOCH', `SOURCE_DATE_EPOCH must be whole seconds, not "${sde}"`);
      const words = (flag: string, v: string | undefined) => (v === undefined ? undefined : commandWords(flag, v, (s) => shellWords(s, { lookup: (name) => `$${name}` })));
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
              contextDir: context ?? '.',
              ...(opts.file ? { dockerfile: opts.file } : {}),
              buildArgs: keyValues('--build-arg', opts.buildArg),
            })
          : api.buildFromLayers(client, {
              ...common,
              layers: opts.layer,
              ...(opts.from ? { from: opts.from } : {}),
              ...defined({ cmd: words('--cmd', opts.cmd), entrypoint: words('--entrypoint', opts.entrypoint), workdir: opts.workdir, user: opts.user }),
              env: opts.env,
              labels: keyValues('--label', opts.label),
              expose: opts.expose,
            }),
      );
      if (!dockerfileMode && !quiet) {
        for (const t of result.tags) rt.out.info(`Successfully tagged ${familiarString(parseReference(t))}`);
      }
      rt.out.data(result.configDigest);
    });
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

interface BuildFlags {
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
  format: string;
  quiet?: boolean;
}
