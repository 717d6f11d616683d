/** Reads all of stdin, refusing more than `maxBytes` with the error `tooLong` makes (never buffers past the cap). */
export async function readStdin(maxBytes: number, tooLong: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > maxBytes) throw tooLong();
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}
