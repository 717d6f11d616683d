import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';

/**
 * `hubctl logout [SERVER]`: erases the credentials wherever they live. Says
 * `Removing login credentials for <server>` (docker's words, on stdout, the Hub shown as
 * `https://index.docker.io/v1/`), or `Not logged in to <server>` when nothing was stored (exit 0).
 */
export function registerLogout(program: Command, rt: CliRuntime): void {
  program
    .command('logout')
    .description('Log out from a registry (Docker Hub when no server is given)')
    .argument('[server]', 'registry: host[:port], https://host:port/, or docker.io (default)')
    .action(async (serverArg: string | undefined) => {
      const [{ logout }, { credentialsOptions }] = await Promise.all([import('../../api/logout.js'), import('./login.js')]);
      const result = await logout(serverArg, await credentialsOptions(rt));
      const name = result.server.display;
      rt.out.data(result.erased ? `Removing login credentials for ${name}` : `Not logged in to ${name}`);
      for (const file of result.remaining) {
        rt.out.warn(`${file} (podman/skopeo's auth file, which hubctl only reads) still holds credentials for ${name}: remove them with \`podman logout ${result.server.registry}\``);
      }
    });
}
