/** One build's log file: plain lines, secrets redacted, appended in order, created 0600. */
import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { redactSecrets } from '../errors.js';

export interface BuildLog {
  line(text: string): void;
  close(): Promise<void>;
}

export async function openBuildLog(path: string): Promise<BuildLog> {
  await fsp.mkdir(dirname(path), { recursive: true });
  const fh = await fsp.open(path, 'a', 0o600);
  let chain: Promise<unknown> = Promise.resolve();
  return {
    line(text) {
      const data = `${redactSecrets(text)}\n`;
      chain = chain.then(() => fh.write(data)).catch(() => undefined);
    },
    async close() {
      await chain;
      await fh.close();
    },
  };
}
