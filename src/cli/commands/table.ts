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
import type { SaveFlags } from './save.js';
import type { LoadFlags } from './load.js';
import type { LoginFlags } from './login.js';
import { declareMetaCommands } from './meta/declare.js';

const INSECURE = 'allow plain HTTP and unverified TLS for this registry';
const CA_FILE = 'trust this CA for the registry';
const SERVER = 'registry: host[:port], https://host:port/, or docker.io (default)';

/** commander option parser for repeatable flags: `--env A=1 --env B=2` -> ['A=1', 'B=2']. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function declareCommands(program: Command, rt: CliRuntime): void {
  program
    .command('pull')
    .description('Pull an image from a registry into the local store')
    .argument('<reference>', 'NAME[:TAG|@DIGEST], e.g. centos, user/repo:1.0, localhost:5000/x@sha256:...')
    .option('-q, --quiet', 'print only the reference on stdout')
    .option('--platform <os/arch[/variant]>', 'platform to pull from a multi-platform image (default: this machine)')
    .option('-a, --all-platforms', 'keep every platform of a multi-platform image')
    .option('--max-concurrent-downloads <n>', 'layers downloaded at once', '4')
    .option('--insecure', INSECURE)
    .option('--ca-file <pem>', CA_FILE)
    .action(async (ref: string, opts: PullFlags) => (await import('./pull.js')).pullCommand(rt, ref, opts));

  program
    .command('images')
    .alias('ls')
    .description('List images in the local store')
    .argument('[repository]', 'only images of this repository')
    .option('--digests', 'show digests')
    .option('--no-trunc', "don't truncate IDs")
    .option('-q, --quiet', 'only show image IDs')
    .option('--format <format>', "'table' (default), 'json', or a Go template like '{{.Repository}}:{{.Tag}}'")
    .action(async (repository: string | undefined, opts: ImagesFlags) => (await import('./images.js')).imagesCommand(rt, repository, opts));

  program
    .command('inspect')
    .description("Show an image's manifest and config as JSON")
    .argument('<reference>', 'image reference')
    .option('--remote', 'ask the registry instead of the local store (nothing is pulled)')
    .option('--platform <os/arch[/variant]>', 'platform whose config to show for a multi-platform image')
    .option('--insecure', INSECURE)
    .option('--ca-file <pem>', CA_FILE)
    .action(async (ref: string, opts: InspectFlags) => (await import('./inspect.js')).inspectCommand(rt, ref, opts));

  program
    .command('rmi')
    .description('Remove images from the local store (blobs other images use are kept)')
    .argument('<reference...>', 'image references')
    .action(async (refs: string[]) => (await import('./rmi.js')).rmiCommand(rt, refs));

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
    .option('--platform <os/arch[/variant]>', "platform of the image (default: the base's, else this machine's)")
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
    .command('logout')
    .description('Log out from a registry (Docker Hub when no server is given)')
    .argument('[server]', SERVER)
    .action(async (server: string | undefined) => (await import('./logout.js')).logoutCommand(rt, server));

  declareMetaCommands(program, rt);
}
