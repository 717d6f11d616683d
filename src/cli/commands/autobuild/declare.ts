/** `hubctl autobuild` and `hubctl autobuild history` (declared here, added by table.ts); modules load when they run. */
import type { Command } from 'commander';
import type { CliRuntime } from '../../runtime.js';
import { collect } from '../declare-common.js';
import type { AutobuildFlags } from './run.js';
import type { HistoryFlags } from './history.js';

export function declareAutobuildCommands(program: Command, rt: CliRuntime): void {
  const autobuild = program
    .command('autobuild')
    .description("Docker Hub's automated builds where you are: build rules over a git repository's branches and tags")
    .argument('<git-repo>', 'URL (https://, ssh://, git@host:path) or local path of the git repository')
    .option('--image <names>', 'push to NAMESPACE/NAME or REGISTRY/NS/NAME (comma-separated, repeatable)', collect, [])
    .option(
      '--rule <rule>',
      "build rule, e.g. 'branch=main:tag=latest', 'tag=/^v([0-9.]+)$/:tag={\\1}' (+ :dockerfile=PATH:context=DIR; repeatable; default: the default branch as latest)",
      collect,
      [],
    )
    .option('--dockerfile <path>', 'Dockerfile, relative to the build context (default Dockerfile)')
    .option('--context <dir>', 'build context, relative to the repository root (default the root)')
    .option('--once', 'look once, build what is new, and exit (the default)')
    .option('--watch <interval>', 'look again every INTERVAL (30s, 5m, 1h) until SIGINT, SIGTERM or SIGHUP')
    .option('--state <file>', 'state file (default: one per repository and images under ~/.local/share/hubctl/autobuild)')
    .option('--rebuild-on-base-change', "also rebuild when the digest of a Dockerfile's FROM image changed")
    .option('--retry-failed', 'build again commits whose build failed (by default they wait for a new commit)')
    .option('-q, --quiet', 'no build output on stderr, only what was built and errors')
    .option('--insecure', 'allow plain HTTP and unverified TLS for the registries')
    .option('--ca-file <pem>', 'trust this CA for the registries')
    .action(async (repo: string, opts: AutobuildFlags) => (await import('./run.js')).autobuildCommand(rt, repo, opts));

  autobuild
    .command('history')
    .description('Show the builds autobuild recorded (newest first)')
    .option('--state <file>', 'one state file (default: every state file under ~/.local/share/hubctl/autobuild)')
    .option('--format <format>', "'table' (default), 'json', or a Go template like '{{.Ref}} {{.Status}}'")
    .option('-n, --last <n>', 'only the N newest builds')
    // commander hands `history --state F` to autobuild's own --state (parsed first): take it from there.
    .action(async (opts: HistoryFlags, cmd: Command) =>
      (await import('./history.js')).historyCommand(rt, { ...opts, state: opts.state ?? cmd.parent?.opts().state }),
    );
}
