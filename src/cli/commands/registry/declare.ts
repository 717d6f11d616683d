/**
 * The registry commands (tags, digest, manifest, config, blob, delete, catalog, index create): they ask
 * a registry directly, without the local store (index create also writes the index there). Declared
 * here for help; each command's module loads only when it runs.
 */
import type { Command } from 'commander';
import type { CliRuntime } from '../../runtime.js';
import { CA_FILE, INSECURE } from '../declare-common.js';
import type { RemoteFlags } from './common.js';
import type { BlobFlags } from './blob.js';
import type { CatalogFlags } from './catalog.js';
import type { DeleteFlags } from './delete.js';
import type { IndexCreateFlags } from './index-create.js';

const PLATFORM = 'for a multi-platform index: the platform to use (os/arch[/variant]), e.g. linux/arm64';
const FORMAT = "'json', or a Go template";

export function declareRegistryCommands(program: Command, rt: CliRuntime): void {
  const connection = (c: Command) => c.option('--insecure', INSECURE).option('--ca-file <pem>', CA_FILE);

  connection(
    program
      .command('tags')
      .description("List a repository's tags on the registry")
      .argument('<repository>', 'NAME, e.g. centos, user/repo, localhost:5000/ns/repo')
      .option('--format <format>', `${FORMAT} like '{{.Tag}}' (default: one tag a line)`),
  ).action(async (repo: string, opts: RemoteFlags) => (await import('./tags.js')).tagsCommand(rt, repo, opts));

  connection(
    program
      .command('digest')
      .description('Print the digest of the manifest a reference resolves to on the registry')
      .argument('<reference>', 'NAME[:TAG|@DIGEST]')
      .option('--platform <os/arch[/variant]>', `${PLATFORM} (default: the index's own digest)`)
      .option('--format <format>', `${FORMAT} like '{{.Digest}}'`),
  ).action(async (ref: string, opts: RemoteFlags) => (await import('./digest.js')).digestCommand(rt, ref, opts));

  connection(
    program
      .command('manifest')
      .description('Print the manifest (or index) of an image on the registry')
      .argument('<reference>', 'NAME[:TAG|@DIGEST]')
      .option('--platform <os/arch[/variant]>', `${PLATFORM} (default: the index itself)`)
      .option('--raw', 'the exact bytes the registry served (their sha256 is the digest)'),
  ).action(async (ref: string, opts: RemoteFlags) => (await import('./manifest.js')).manifestCommand(rt, ref, opts));

  connection(
    program
      .command('config')
      .description(
        "Print the config of an image on the registry; with list, get, set or unset: hubctl's own settings (a flag wins over the environment, which wins over these)",
      )
      .argument('<reference>', 'NAME[:TAG|@DIGEST]')
      .option('--platform <os/arch[/variant]>', `${PLATFORM} (default: this machine's)`)
      .option('--raw', 'the exact bytes the registry served'),
  ).action(async (ref: string, opts: RemoteFlags) => (await import('./manifest.js')).configCommand(rt, ref, opts));

  connection(
    program
      .command('blob')
      .description('Download a blob (layer, config) from the registry, verified against its digest')
      .argument('<reference>', 'NAME@DIGEST, e.g. localhost:5000/app@sha256:...')
      .option('-o, --output <file>', 'write to a file (replaced only when the blob is complete and verified) instead of stdout'),
  ).action(async (ref: string, opts: BlobFlags) => (await import('./blob.js')).blobCommand(rt, ref, opts));

  connection(
    program
      .command('delete')
      .description('Delete a manifest on the registry (a tag is resolved to its digest; every tag on it goes)')
      .argument('<reference>', 'NAME:TAG or NAME@DIGEST')
      .option('-f, --force', 'do not ask (required when stdin is not a terminal)'),
  ).action(async (ref: string, opts: DeleteFlags) => (await import('./delete.js')).deleteCommand(rt, ref, opts));

  connection(
    program
      .command('catalog')
      .description("List a registry's repositories (/v2/_catalog)")
      .argument('<registry>', 'host[:port], e.g. localhost:5000')
      .option('--limit <n>', 'stop after this many repositories')
      .option('--page-size <n>', 'repositories asked for per request', '100')
      .option('--format <format>', `${FORMAT} like '{{.Repository}}' (default: one repository a line)`),
  ).action(async (registry: string, opts: CatalogFlags) => (await import('./catalog.js')).catalogCommand(rt, registry, opts));

  const index = program.command('index').description('Work with multi-platform indexes (manifest lists)');
  connection(
    index
      .command('create')
      .description('Create a multi-platform index from single-platform images on a registry, in the local store')
      .argument('<target>', 'NAME:TAG of the index')
      .argument('<source...>', 'single-platform images (NAME:TAG or NAME@DIGEST); each platform is read from its config')
      .option('--push', "push the index (its images are mounted or copied into the target's repository first)")
      .option('--format <format>', FORMAT),
  ).action(async (target: string, sources: string[], opts: IndexCreateFlags) =>
    (await import('./index-create.js')).indexCreateCommand(rt, target, sources, opts),
  );
}
