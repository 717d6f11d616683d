import { describe, expect, it } from 'vitest';
import { promises as fsp } from 'node:fs';
import { fsError, isFsError } from '../../../src/fs/index.js';
import { HubctlError, codedError } from '../../../src/errors.js';
import { renderError } from '../../../src/cli/render-error.js';

const errno = (code: string, syscall: string, path?: string) =>
  Object.assign(new Error(`${code}: something, ${syscall}${path ? ` '${path}'` : ''}`), { code, syscall, ...(path ? { path } : {}) });

describe('filesystem errors', () => {
  it.each([
    ['ENOSPC', 'write', undefined, '/store/x', 'cannot write /store/x: no space left on device'],
    ['EROFS', 'open', '/ro/index.json', undefined, 'cannot open /ro/index.json: read-only file system'],
    ['EACCES', 'mkdir', '/store/.hubctl', undefined, 'cannot write /store/.hubctl: permission denied'],
    [
      'ELOOP',
      'open',
      '/home/u/.docker/config.json',
      undefined,
      'cannot open /home/u/.docker/config.json: too many levels of symbolic links',
    ],
    ['EMFILE', 'open', '/store/blobs/sha256/x', undefined, 'cannot open /store/blobs/sha256/x: too many open files in this process'],
    ['ENOTDIR', 'mkdir', '/store/.hubctl/leases', undefined, 'cannot write /store/.hubctl/leases: a part of the path is not a directory'],
  ])('%s from %s: a store error (exit 7) naming the path and the cause', (code, syscall, path, ctxPath, message) => {
    const e = fsError(errno(code, syscall, path), ctxPath ? { path: ctxPath } : {});
    expect(e).toBeInstanceOf(HubctlError);
    expect((e as HubctlError).kind).toBe('store');
    expect((e as HubctlError).message).toBe(message);
    expect(renderError(errno(code, syscall, path ?? ctxPath), false).exitCode).toBe(7);
  });

  it('network errors that carry a syscall (ECONNRESET on read, EPIPE on write) and a missing helper are not filesystem errors', () => {
    expect(isFsError(errno('ECONNRESET', 'read'))).toBe(false);
    expect(isFsError(errno('EPIPE', 'write'))).toBe(false);
    expect(isFsError(errno('ENOENT', 'spawn docker-credential-x'))).toBe(false);
    expect(isFsError(codedError('x', 'ENOSPC'))).toBe(false); // no syscall: not from the filesystem
  });

  it('a real error from the filesystem is classified with its own path', async () => {
    const e = await fsp.readFile('/proc/self/no-such-file').catch((x: unknown) => x);
    expect((fsError(e) as HubctlError).message).toBe('cannot open /proc/self/no-such-file: no such file or directory');
  });
});
