// Request bodies, read the same way by every local stand-in: a body over the service's limit is
// drained (so the client still reads the answer) but not stored, and the service answers it
// with its own modelled error.
import type { IncomingMessage } from 'node:http';

export interface ReadBody {
  bytes: Buffer;
  /** Longer than `maxBytes`: `bytes` holds only what came before the limit was passed. */
  tooLarge: boolean;
}

export function readBody(request: IncomingMessage, maxBytes: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve({ bytes: Buffer.concat(chunks), tooLarge }));
    request.on('error', reject);
  });
}
