/**
 * `hubctl hub ...` as commander needs it for parsing and help: Docker Hub's own API (repositories, tags,
 * webhooks, builds, audit log, pull limits; organizations, teams and tokens are in declare-org.ts). As in
 * ../table.ts, each action imports its module only when it runs, so help loads none of them.
 */
import type { Command } from 'commander';
import type { CliRuntime } from '../../runtime.js';
import type { HubRuntime } from './session.js';
import { declareOrgCommands } from './declare-org.js';
import { FORCE, FORMAT, listOptions, type ForceFlags, type FormatFlags } from './declare-common.js';
import type { ListFlags } from './args.js';
import type { RepoCreateFlags, RepoUpdateFlags } from './repo.js';
import type { TagLsFlags } from './tag.js';
import type { PruneFlags } from './prune.js';
import type { TriggerFlags } from './build.js';
import type { AuditFlags } from './audit-log.js';
import type { LimitsFlags } from './limits.js';

export function declareHubCommands(program: Command, cli: CliRuntime): void {
  const hub = program
    .command('hub')
    .description("Manage Docker Hub: repositories, tags, organizations, teams, access tokens, webhooks (Hub's own API)")
    .option('--otp <code>', 'two-factor code, for an account that logs in with a password (a token needs none)')
    .configureHelp({ showGlobalOptions: true });
  const rt: HubRuntime = { ...cli, hubFlags: () => hub.opts() };

  const repo = hub.command('repo').description('Docker Hub repositories');
  listOptions(repo.command('ls').alias('list').description("List a namespace's repositories (default: your own)"), 'repositories')
    .argument('[namespace]', 'user or organization (default: the logged-in account)')
    .option('--format <format>', FORMAT)
    .action(async (ns: string | undefined, o: ListFlags & FormatFlags) => (await import('./repo.js')).repoLs(rt, ns, o));
  repo
    .command('create')
    .description('Create a repository (public unless --private)')
    .argument('<repository>', 'NAMESPACE/NAME')
    .option('--private', 'only you and the teams you grant can see it')
    .option('--description <text>', 'short description (up to 100 characters)')
    .option('--readme <file>', 'full description in Markdown, from a file (- for stdin)')
    .action(async (r: string, o: RepoCreateFlags) => (await import('./repo.js')).repoCreate(rt, r, o));
  repo
    .command('show')
    .alias('inspect')
    .description("Show a repository's details")
    .argument('<repository>', 'NAMESPACE/NAME')
    .option('--format <format>', FORMAT)
    .action(async (r: string, o: FormatFlags) => (await import('./repo.js')).repoShow(rt, r, o));
  repo
    .command('update')
    .description("Change a repository's description, README or visibility")
    .argument('<repository>', 'NAMESPACE/NAME')
    .option('--description <text>', 'short description (up to 100 characters)')
    .option('--readme <file>', 'full description in Markdown, from a file (- for stdin)')
    .option('--private', 'make it private')
    .option('--public', 'make it public')
    .action(async (r: string, o: RepoUpdateFlags) => (await import('./repo.js')).repoUpdate(rt, r, o));
  repo
    .command('rm')
    .alias('delete')
    .description('Delete a repository and all its tags')
    .argument('<repository>', 'NAMESPACE/NAME')
    .option('-f, --force', FORCE)
    .action(async (r: string, o: ForceFlags) => (await import('./repo.js')).repoRm(rt, r, o));

  const tag = hub.command('tag').description("A Docker Hub repository's tags");
  listOptions(tag.command('ls').alias('list').description("List a repository's tags"), 'tags')
    .argument('<repository>', 'NAMESPACE/NAME')
    .option('--sort <key>', "'updated' (newest first, default) or 'name'")
    .option('--format <format>', FORMAT)
    .action(async (r: string, o: TagLsFlags) => (await import('./tag.js')).tagLs(rt, r, o));
  tag
    .command('show')
    .alias('inspect')
    .description("Show a tag's details: digest, size, platforms")
    .argument('<tag>', 'NAMESPACE/NAME:TAG')
    .option('--format <format>', FORMAT)
    .action(async (t: string, o: FormatFlags) => (await import('./tag.js')).tagShow(rt, t, o));
  tag
    .command('rm')
    .alias('delete')
    .description('Delete tags')
    .argument('<tag...>', 'NAMESPACE/NAME:TAG')
    .option('-f, --force', FORCE)
    .action(async (t: string[], o: ForceFlags) => (await import('./tag.js')).tagRm(rt, t, o));
  tag
    .command('prune')
    .description('Delete the tags selected by every filter given, sparing the newest --keep N of them')
    .argument('<repository>', 'NAMESPACE/NAME')
    .option('--keep <n>', 'keep the newest N of the selected tags')
    .option('--older-than <duration>', 'select tags last pushed longer ago than this (30d, 12h, 2w)')
    .option('--match <regex>', 'select tags whose name matches (anchor with ^ and $)')
    .option('--dry-run', 'list what would be deleted; delete nothing')
    .option('-f, --force', FORCE)
    .action(async (r: string, o: PruneFlags) => (await import('./prune.js')).tagPrune(rt, r, o));

  declareOrgCommands(hub, rt);

  const webhook = hub.command('webhook').description("A repository's webhooks (called on every push)");
  webhook
    .command('ls')
    .alias('list')
    .description("List a repository's webhooks")
    .argument('<repository>', 'NAMESPACE/NAME')
    .option('--format <format>', FORMAT)
    .action(async (r: string, o: FormatFlags) => (await import('./webhook.js')).webhookLs(rt, r, o));
  webhook
    .command('add')
    .alias('create')
    .description('Add a webhook: Hub POSTs a JSON push event to URL')
    .argument('<repository>', 'NAMESPACE/NAME')
    .argument('<name>', 'a name for the webhook')
    .argument('<url>', 'https:// URL to call (put a secret in it: Hub does not sign its calls)')
    .action(async (r: string, n: string, u: string) => (await import('./webhook.js')).webhookAdd(rt, r, n, u));
  webhook
    .command('rm')
    .alias('delete')
    .description('Delete a webhook')
    .argument('<repository>', 'NAMESPACE/NAME')
    .argument('<name>', "the webhook's name")
    .option('-f, --force', FORCE)
    .action(async (r: string, n: string, o: ForceFlags) => (await import('./webhook.js')).webhookRm(rt, r, n, o));

  hub
    .command('build')
    .description('Automated builds (deprecated by Docker)')
    .command('trigger')
    .description("Start an automated build through the repository's build trigger URL")
    .argument('<trigger-url>', 'https://hub.docker.com/api/build/v1/source/UUID/trigger/TOKEN/call/ (a secret)')
    .option('--tag <tag>', 'build the rule for this Docker tag')
    .option('--branch <name>', 'build this source branch')
    .option('--source-tag <name>', 'build this source (git) tag')
    .action(async (url: string, o: TriggerFlags) => (await import('./build.js')).buildTrigger(rt, url, o));

  listOptions(hub.command('audit-log').description("An account's audit log (organizations: owners only)"), 'events')
    .argument('<account>', 'user or organization')
    .option('--action <action>', 'only this action, e.g. repo.create, repo.tag.push')
    .option('--since <time>', 'from this time: 2025-01-31, 2025-01-31T12:00:00Z, or 7d ago')
    .option('--until <time>', 'up to this time (same forms)')
    .option('--format <format>', FORMAT)
    .action(async (a: string, o: AuditFlags) => (await import('./audit-log.js')).auditLog(rt, a, o));

  hub
    .command('limits')
    .description("Docker Hub's pull rate limit for you (logged in) or this IP: limit, remaining, window")
    .argument('[registry]', "probe another registry's headers instead of registry-1.docker.io")
    .option('--format <format>', "'table' (default), 'json', or a Go template like '{{.remaining}}'")
    .option('--insecure', 'allow plain HTTP and unverified TLS for this registry')
    .option('--ca-file <pem>', 'trust this CA for the registry')
    .action(async (r: string | undefined, o: LimitsFlags) => (await import('./limits.js')).hubLimits(rt, r, o));
}
