import { promises as fsp } from 'node:fs';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { FileBody, StreamBody } from './types.js';
import { RawBody } from './raw-body.js';
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

/** Opens a StreamBody's source; a failure to open is the source's (onSourceError). */
export async function openSource(body: StreamBody): Promise<Readable> {
  try {
    return await body.open();
  } catch (e) {
    body.onSourceError?.(e);
    throw e;
  }
}

/**
 * Sends a body copied from another response (StreamBody): a raw source (raw-body.ts) is pumped, its
 * read buffers written to this socket as they are and each released once the socket took it, so the
 * source's connection pauses while this one is slow and no byte is copied; any other source is read
 * as a stream, waiting for 'drain'. Stops (and drops the source) when the server answered early.
 */
export async function sendStream(socket: Socket, body: StreamBody, stopped: () => boolean): Promise<void> {
  const source = await openSource(body);
  let failure: { error: unknown } | undefined;
  const stop = (error: unknown) => {
    failure ??= { error };
    source.destroy();
  };
  const written = (error: Error | null | undefined) => {
    if (error) stop(error);
  };
  try {
    if (source instanceof RawBody) {
      await source.pump({
        chunk: (view, release) => {
          if (failure !== undefined || stopped() || socket.destroyed) {
            release();
            if (failure === undefined) stop(codedError('the upload ended early', 'ERR_STREAM_PREMATURE_CLOSE'));
            return;
          }
          try {
            body.onChunk?.(view);
          } catch (e) {
            release();
            stop(e);
            return;
          }
          socket.write(view, (err) => {
            release();
            written(err);
          });
        },
      });
    } else {
      for await (const chunk of source) {
        if (stopped() || socket.destroyed) break;
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        body.onChunk?.(buf);
        if (!socket.write(buf, written)) await once(socket, 'drain');
      }
    }
  } catch (e) {
    if (failure === undefined) body.onSourceError?.(e);
    throw failure?.error ?? e;
  } finally {
    source.destroy();
  }
  if (failure !== undefined) throw failure.error;
}
