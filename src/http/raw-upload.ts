import { promises as fsp } from 'node:fs';
import type { Socket } from 'node:net';
import type { FileBody } from './types.js';
import { codedError } from '../errors.js';

/** Size of each file read sent on the socket; two such buffers alternate (one read while the other is sent). */
export const UPLOAD_SLAB_BYTES = 1024 * 1024;

/**
 * Sends a file body on a raw connection (raw-request.ts) from two reused buffers: a buffer is read again
 * only once the socket has taken its previous bytes, so at most two buffers are in flight and no
 * per-chunk memory is allocated. `stopped()` turns true when the server answered early (e.g. 401,
 * 413): the rest is not sent.
 */
export async function sendFile(socket: Socket, body: FileBody, stopped: () => boolean): Promise<void> {
  const fh = await fsp.open(body.path, 'r');
  try {
    const slabBytes = Math.min(UPLOAD_SLAB_BYTES, Math.max(body.size, 1));
    const slabs = [Buffer.allocUnsafeSlow(slabBytes), Buffer.allocUnsafeSlow(slabBytes)];
    const inFlight: Array<Promise<void>> = [Promise.resolve(), Promise.resolve()];
    let pos = 0;
    for (let i = 0; pos < body.size && !stopped(); i ^= 1) {
      await inFlight[i];
      const slab = slabs[i]!;
      const { bytesRead } = await fh.read(slab, 0, Math.min(slab.length, body.size - pos), pos);
      if (bytesRead === 0) throw codedError(`${body.path} ended after ${pos} of ${body.size} bytes`, 'ERR_FILE_TRUNCATED');
      if (stopped() || socket.destroyed) break;
      inFlight[i] = new Promise<void>((resolve, reject) => {
        socket.write(slab.subarray(0, bytesRead), (err) => (err ? reject(err) : resolve()));
      });
      // an unobserved rejection is seen by the await above or the final wait below
      inFlight[i]!.catch(() => undefined);
      pos += bytesRead;
      body.onSent?.(pos);
    }
    await Promise.all(inFlight);
  } finally {
    await fh.close();
  }
}
