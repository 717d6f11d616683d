/**
 * Every subcommand as commander needs it for parsing and help (name, summary, arguments, options), in
 * the order `hubctl --help` lists them. A command's module (and what it loads) is imported only when
 * its action runs, so `hubctl --help`, `hubctl help` and `hubctl CMD --help` load none of them.
 */
import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';
import type { PullFlags } from './pull.js';
import type { ImagesFlags } from './images.js';
import type { InspectFlags } from './inspect.js';
import type { SearchFlags } from './search.js';
import type { BuildFlags } from './build.js';
import type { PushFlags } from './push.js';
import type { CopyFlags } from './copy.js';
import type { SaveFlags } from './save.js';
import type { LoadFlags } from './load.js';
import type { LoginFlags } from './login.js';
import { declareAutobuildCommands } from './autobuild/declare.js';
import { declareWebhookCommands } from './webhook/declare.js';
import { declareHubCommands } from './hub/declare.js';
import type { RmiFlags } from './rmi.js';
import type { VersionFlags } from './version.js';
import { CA_FILE, INSECURE, collect } from './declare-common.js';
import { declareRegistryCommands } from './registry/declare.js';
import { declareStoreCommands } from './store/declare.js';
import { declareMetaCommands } from './meta/declare.js';

const SERVER = 'registry: host[:port], https://host:port/, or docker.io (default)';

export function declareCommands(program: Command, rt: CliRuntime): void {
  program
    .command('pull')
    .description('Pull an image from a registry into the local store')
    .argument('<reference>', 'NAME[:TAG|@DIGEST], e.g. centos, user/repo:1.0, localhost:5000/x@sha256:...')
    .option('-q, --quiet', 'print only the reference on stdout')
    .option('-a, --all-tags', 'pull every tag of the repository (the reference must not carry a tag)')
    .option('--platform <os/arch[/variant]>', 'platform to pull from a multi-platform image (default: this machine)')
    .option('--all-platforms', 'keep every platform of a multi-platform image')
    .option('--max-concurrent-downloads <n>', 'layers downloaded at once', '4')
    .option('--insecure', INSECURE)
    .option('--ca-file <pem>', CA_FILE)
    .action(async (ref: string, opts: PullFlags) => (await import('./pull.js')).pullCommand(rt, ref, opts));

  program
    .command('images')
    .alias('ls')
    .description('List images in the local store')
    .argument('[reference]', 'only these images: REPOSITORY, REPOSITORY:TAG, or a pattern like "team/*"')
    .option('-f, --filter <filter>', 'reference=PATTERN, dangling=true|false, before=IMAGE, since=IMAGE (repeatable)', collect, [])
    .option('--digests', 'show digests')
    .option('--no-trunc', "don't truncate IDs")
    .option('-q, --quiet', 'only show image IDs')
    .option('--format <format>', "'table' (default), 'json', or a Go template like '{{.Repository}}:{{.Tag}}'")
    .action(async (repository: string | undefined, opts: ImagesFlags) => (await import('./images.js')).imagesCommand(rt, repository, opts));

  program
    .command('inspect')
    .description("Show docker's image inspect JSON for images in the local store (or on the registry with --remote)")
    .argument('<image...>', 'NAME[:TAG], NAME@DIGEST or an image ID')
    .option('-f, --format <template>', "a Go template per image, e.g. '{{.Id}}' or '{{json .Config}}'")
    .option('--raw', "hubctl's view instead: the manifest (or index) and the config as stored")
    .option('--remote', 'ask the registry instead of the local store (nothing is pulled)')
    .option('--platform <os/arch[/variant]>', 'platform whose config to show for a multi-platform image')
    .option('--insecure', INSECURE)
    .option('--ca-file <pem>', CA_FILE)
    .action(async (refs: string[], opts: InspectFlags) => (await import('./inspect.js')).inspectCommand(rt, refs, opts));

  program
    .command('rmi')
    .description('Remove images from the local store (blobs other images use are kept)')
    .argument('<image...>', 'NAME[:TAG], NAME@DIGEST, or an image ID (short or full)')
    .option('-f, --force', 'remove an image ID whose tags are in several repositories')
    .action(async (refs: string[], opts: RmiFlags) => (await import('./rmi.js')).rmiCommand(rt, refs, opts));

  program
    .command('search')
    .description('Search Docker Hub (or another registry: REGISTRY/TERM) for images')
    .argument('<term>', 'TERM, or REGISTRY/TERM for a private registry (its /v1/search, else its catalog)')
    .option('-f, --filter <filter>', 'stars=N, is-official=true|false, is-automated=true|false (repeatable)', collect, [])
    .option('--limit <n>', 'maximum number of results (hubctl keeps fetching pages until this many match)', '25')
    .option('--no-trunc', "don't truncate descriptions")
    .option('--format <format>', "'table' (default), 'json', or a Go template like '{{.Name}}'")
    .option('--insecure', INSECURE)
    .option('--ca-file <pem>', CA_FILE)
    .action(async (term: string, opts: SearchFlags) => (await import('./search.js')).searchCommand(rt, term, opts));

  program
    .command('build')
    .description('Build an image without a daemon: from local tar layers, or from a Dockerfile (RUN and multi-stage through buildah)')
    .argument('[context]', 'build context for -f/Dockerfile builds: a directory, or a git repository (URL#REF:SUBDIR, ./repo#REF)')
    .option('-t, --tag <name[:tag]>', 'tag the image (repeatable)', collect, [])
    .option('-f, --file <Dockerfile>', 'Dockerfile (default CONTEXT/Dockerfile when a context is given)')
    .option('--build-arg <k=v>', 'Dockerfile ARG value (repeatable)', collect, [])
    .option('--from <image>', "base image for --layer builds: 'scratch' (default) or a reference, pulled when absent")
    .option('--layer <path>', 'a tar, a gzipped tar or a directory (repeatable, in order)', collect, [])
    .option('--cmd <cmd>', 'CMD: a JSON array, or words split like a shell')
    .option('--entrypoint <cmd>', 'ENTRYPOINT: a JSON array, or words split like a shell')
    .option('--env <k=v>', 'environment variable (repeatable)', collect, [])
    .option('--label <k=v>', 'label (repeatable; also for Dockerfile builds)', collect, [])
    .option('--workdir <dir>', 'working directory')
    .option('--user <user>', 'user[:group]')
    .option('--expose <port[/proto]>', 'exposed port (repeatable)', collect, [])
    .option('--platform <os/arch[/variant]>', "platform of the image (default: the base's, else this machine's)")
    .option('--target <stage>', 'Dockerfile stage to build (default: the last)')
    .option('--format <oci|docker>', 'manifest format', 'oci')
    .option('-q, --quiet', 'print only the image ID')
    .action(async (context: string | undefined, opts: BuildFlags) => (await import('./build.js')).buildCommand(rt, context, opts));

  program
    .command('tag')
    .description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE in the local store')
    .argument('<source>', 'SOURCE_IMAGE[:TAG]')
    .argument('<target>', 'TARGET_IMAGE[:TAG]')
    .action(async (source: string, target: string) => (await import('./tag.js')).tagCommand(rt, source, target));

  program
    .command('push')
    .description('Push an image from the local store to a registry')
    .argument('<reference>', 'NAME[:TAG], e.g. user/repo:1.0, localhost:5000/x')
    .option('-q, --quiet', 'print only the digest on stdout, nothing on stderr')
    .option('-a, --all-tags', 'push every tag of the repository in the local store')
    .option('--max-concurrent-uploads <n>', 'layers uploaded at once', '5')
    .option('--insecure', INSECURE)
    .option('--ca-file <pem>', CA_FILE)
    .action(async (ref: string, opts: PushFlags) => (await import('./push.js')).pushCommand(rt, ref, opts));

  declareRegistryCommands(program, rt);
  declareStoreCommands(program, rt);

  program
    .command('copy')
    .alias('cp')
    .description('Copy an image from one registry (or repository) to another, without the local store')
    .argument('<src>', 'NAME[:TAG|@DIGEST] to copy from')
    .argument('<dst>', "NAME[:TAG|@DIGEST] to copy to (without a tag: the source's tag)")
    .option('-q, --quiet', 'print only the digest on stdout, nothing on stderr')
    .option('-a, --all-tags', 'copy every tag of the source repository (name repositories, without tags)')
    .option('--platform <os/arch[/variant]>', "copy only this platform's manifest from a multi-platform image (its own digest)")
    .option('--all-platforms', 'copy a multi-platform image whole, every child manifest (the default)')
    .option('--no-mount', 'upload blobs even when both repositories are on one registry')
    .option('--max-concurrent-copies <n>', 'blobs copied at once', '4')
    .option('--format <format>', "'json' (one object per image), or a Go template like '{{.Reference}}@{{.Digest}}'")
    .option('--insecure', INSECURE)
    .option('--ca-file <pem>', CA_FILE)
    .action(async (src: string, dst: string, opts: CopyFlags) => (await import('./copy.js')).copyCommand(rt, src, dst, opts));

  program
    .command('save')
    .description('Save images from the local store to a tar archive (OCI layout and docker archive in one)')
    .argument('<reference...>', 'images to save')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--platform <os/arch[/variant]>', 'platform listed in manifest.json for multi-platform images (default: this machine)')
    .action(async (refs: string[], opts: SaveFlags) => (await import('./save.js')).saveCommand(rt, refs, opts));

  program
    .command('load')
    .description('Load images from a docker or OCI archive into the local store')
    .option('-i, --input <file>', 'read from a tar archive file instead of stdin')
    .option('-q, --quiet', 'accepted for docker compatibility (there is no progress output to suppress)')
    .action(async (opts: LoadFlags) => (await import('./load.js')).loadCommand(rt, opts));

  program
    .command('login')
    .description('Log in to a registry (Docker Hub when no server is given)')
    .argument('[server]', SERVER)
    .option('-u, --username <username>', 'username')
    .option('-p, --password <password>', 'password or access token (insecure: prefer --password-stdin)')
    .option('--password-stdin', 'read the password or access token from stdin')
    .option(
      '--store <kind>',
      'where to keep the credentials: file, helper or keychain (default: the helper docker config names, else file)',
    )
    .option('--helper <name>', 'store with docker-credential-<name> and record it in credHelpers for this server')
    .option('--insecure', INSECURE)
    .option('--ca-file <pem>', CA_FILE)
    .action(async (server: string | undefined, flags: LoginFlags) => (await import('./login.js')).loginCommand(rt, server, flags));

  program
    .command('version')
    .description('Show the hubctl version, its Node.js and platform')
    .option('--format <format>', "'json', or a Go template like '{{.Client.Version}}'")
    .action(async (opts: VersionFlags) => (await import('./version.js')).versionCommand(rt, opts));

  program
    .command('logout')
    .description('Log out from a registry (Docker Hub when no server is given)')
    .argument('[server]', SERVER)
    .action(async (server: string | undefined) => (await import('./logout.js')).logoutCommand(rt, server));

  declareAutobuildCommands(program, rt);
  declareWebhookCommands(program, rt);
  declareHubCommands(program, rt);
  declareMetaCommands(program, rt);
}
