// Starting and stopping a local stand-in's HTTP server, the same way for every service: on
// 127.0.0.1 only, on the port asked for (0: one the OS chooses), and closed with its open
// keep-alive connections so a test or a run ends at once.
import type { Server } from 'node:http';

/**
 * How long an idle keep-alive connection stays open. Node's default (5 s) closes connections
 * that AWS's endpoints keep: a client reusing one just as it closes gets "socket hang up", and a
 * call sent once (StartRecovery) then fails its step for the retry to sort out (seen in 4 of 25
 * 6,000-server bench runs). A minute keeps every connection a local run reuses open.
 */
const KEEP_ALIVE_MS = 60_000;

/** Listens on 127.0.0.1; resolves with the port actually bound. */
export function listenOnLoopback(server: Server, port: number): Promise<number> {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
