import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';

export function registerSave(program: Command, rt: CliRuntime): void {
  program
    .command('save')
    .description('Save images from the local store to a tar archive (OCI layout and docker archive in one)')
    .argument('<reference...>', 'images to save')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--platform <os/arch[/variant]>', 'platform listed in manifest.json for multi-platform images (default: this machine)')
    .action(async (refs: string[], opts: { output?: string; platform?: string }) => {
      const [{ save }, { createClient }, { clientOptions }, { parsePlatform }, { usageError }] = await Promise.all([
        import('../../api/save.js'),
        import('../../api/client.js'),
        import('../client-options.js'),
        import('../../oci/platform.js'),
        import('../../errors.js'),
      ]);
      const platform = opts.platform ? parsePlatform(opts.platform) : undefined;
      if (!opts.output && process.stdout.isTTY) {
        throw usageError('SAVE_TO_TERMINAL', 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
      }
      const client = createClient(await clientOptions(rt));
      const saveOptions = { signal: rt.signal, ...(platform ? { platform } : {}) };
      if (!opts.output) {
        await save(client, refs, process.stdout, saveOptions);
        return;
      }
      const { promises: fsp } = await import('node:fs');
      const { dirname, basename, join } = await import('node:path');
      const { randomBytes } = await import('node:crypto');
      // A temp file beside the target, renamed on success: a failed save never leaves a broken archive.
      const tmp = join(dirname(opts.output), `.${basename(opts.output)}.${randomBytes(4).toString('hex')}.tmp`);
      try {
        const fh = await fsp.open(tmp, 'wx', 0o644);
        await save(client, refs, fh.createWriteStream(), saveOptions);
        await fsp.rename(tmp, opts.output);
      } catch (e) {
        await fsp.rm(tmp, { force: true });
        const err = e as NodeJS.ErrnoException;
        if (typeof err.code === 'string' && err.syscall !== undefined) {
          const { storeError } = await import('../../errors.js');
          throw storeError('SAVE_WRITE_FAILED', `cannot write ${opts.output}: ${err.message}`, { cause: e });
        }
        throw e;
      }
    });
}
