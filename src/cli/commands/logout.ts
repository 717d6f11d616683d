import { logout } from '../../api/logout.js';
import type { CliRuntime } from '../runtime.js';
import { credentialsOptions } from '../client-options.js';

/**
 * `hubctl logout [SERVER]` (declared in table.ts): erases the credentials wherever they live. Says
 * `Removing login credentials for <server>` (docker's words, on stdout, the Hub shown as
 * `https://index.docker.io/v1/`), or `Not logged in to <server>` when nothing was stored (exit 0).
 */
export async function logoutCommand(rt: CliRuntime, serverArg: string | undefined): Promise<void> {
  const result = await logout(serverArg, credentialsOptions(rt));
  const name = result.server.display;
  rt.out.data(result.erased ? `Removing login credentials for ${name}` : `Not logged in to ${name}`);
  for (const file of result.remaining) {
    rt.out.warn(
      `${file} (podman/skopeo's auth file, which hubctl only reads) still holds credentials for ${name}: remove them with \`podman logout ${result.server.registry}\``,
    );
  }
}
