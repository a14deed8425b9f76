// Starting and stopping a local stand-in's HTTP server, the same way for every service: on
// 127.0.0.1 only, on the port asked for (0: one the OS chooses), and closed with its open
// keep-alive connections so a test or a run ends at once.
import type { Server } from 'node:http';

/** Listens on 127.0.0.1; resolves with the port actually bound. */
export function listenOnLoopback(server: Server, port: number): Promise<number> {
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
