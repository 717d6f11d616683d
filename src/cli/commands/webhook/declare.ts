/** `hubctl webhook serve` (declared here, added by table.ts); the module loads only when it runs. */
import type { Command } from 'commander';
import type { CliRuntime } from '../../runtime.js';
import type { ServeFlags } from './serve.js';

export function declareWebhookCommands(program: Command, rt: CliRuntime): void {
  const webhook = program.command('webhook').description('Receive push events from registries, Docker Hub and git hosts, and act on them');
  webhook
    .command('serve')
    .description('Listen for push deliveries and run a job for each: pull, a command, an autobuild')
    .requiredOption('--secret-file <file>', 'file holding the shared secret (Bearer token, ?token=, or the HMAC key of git hosts)')
    .option('--listen <host:port>', 'address to listen on (port 0 picks a free one)', '127.0.0.1:9000')
    .option('--run <command>', 'run COMMAND with /bin/sh -c for each push; the event is in HUBCTL_* variables and on stdin')
    .option('--pull', 'pull each pushed image into the local store')
    .option('--autobuild <args>', "run 'hubctl autobuild ARGS --once' for each git push")
    .option('--log <file>', 'append one JSON line per delivery and per job outcome to FILE (default: stdout)')
    .option('--jobs <n>', 'jobs running at once, for different images (one at a time per image)', '2')
    .option('--job-timeout <duration>', 'stop a job program after this long', '1h')
    .option('--insecure', 'allow plain HTTP and unverified TLS for the registries --pull reads')
    .option('--ca-file <pem>', 'trust this CA for the registries --pull reads')
    .action(async (opts: ServeFlags) => (await import('./serve.js')).serveCommand(rt, opts));
}
