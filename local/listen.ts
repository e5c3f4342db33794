/**
 * Listening for the local stack: loopback only, and a busy port reported as one clear line. Nothing the
 * stack serves is meant for other machines — the webhook executes decisions, the queue takes them
 * unauthenticated — so every socket binds 127.0.0.1.
 */
import type { Server } from 'node:http';

export const LOOPBACK = '127.0.0.1';

/** A port the stack wanted is taken; `setting` is the variable that changes it. */
export class PortInUseError extends Error {
  readonly port: number;
  readonly setting: string;
  constructor(port: number, setting: string) {
    super(
      `port ${port} on ${LOOPBACK} is already in use: set ${setting} to another port (${setting}=0 picks a free one)`,
    );
    this.name = 'PortInUseError';
    this.port = port;
    this.setting = setting;
  }
}

/** Listens on 127.0.0.1:`port`; resolves with the port bound, or rejects (EADDRINUSE → PortInUseError). */
export function listenOnLoopback(server: Server, port: number, setting: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, setting) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, LOOPBACK);
  });
}
