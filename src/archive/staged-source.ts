import { createReadStream, promises as fsp } from 'node:fs';
import { Readable } from 'node:stream';
import { integrityError, notFoundError } from '../errors.js';
import type { FetchOptions, OpenedContent, Source } from '../content/types.js';
import type { Descriptor } from '../oci/types.js';
import type { StagedFile } from './extract.js';

/** A blob of a staged archive: a file unpacked from it, or bytes made while reading it (a docker archive's manifests). */
export type StagedBlob = { desc: Descriptor; file: StagedFile } | { desc: Descriptor; bytes: Buffer };

/**
 * A checked, staged archive (see extractArchive and planLoad) as a copy source: the blobs the plan
 * accepted, by digest. Each staged file's digest and size were computed while the archive was
 * unpacked and compared with its descriptor by the plan; the store checks them again on the way in.
 */
export class StagedSource implements Source {
  private readonly blobs = new Map<string, StagedBlob>();

  constructor(blobs: Iterable<StagedBlob>) {
    for (const b of blobs) this.blobs.set(b.desc.digest, b);
  }

  private get(desc: Descriptor): StagedBlob {
    const b = this.blobs.get(desc.digest);
    if (b === undefined) throw notFoundError('BLOB_NOT_FOUND', `${desc.digest} is not in the archive`);
    return b;
  }

  async has(desc: Descriptor): Promise<boolean> {
    return this.blobs.has(desc.digest);
  }

  localFile(desc: Descriptor): string | undefined {
    const b = this.blobs.get(desc.digest);
    return b !== undefined && 'file' in b ? b.file.path : undefined;
  }

  async open(desc: Descriptor, offset = 0, _options?: FetchOptions): Promise<OpenedContent> {
    const b = this.get(desc);
    if ('bytes' in b) return { stream: Readable.from([b.bytes.subarray(offset)]), offset };
    return { stream: createReadStream(b.file.path, { start: offset }), offset };
  }

  async fetchBytes(desc: Descriptor, limit: number, _options?: FetchOptions): Promise<Buffer> {
    const b = this.get(desc);
    if (desc.size > limit)
      throw integrityError('BLOB_TOO_LARGE', `${desc.digest} is ${desc.size} bytes; at most ${limit} are accepted here`);
    return 'bytes' in b ? b.bytes : fsp.readFile(b.file.path);
  }
}
