import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createTransport, type HttpClientKind } from '../../lib/huawei/transport.ts';

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

describe.each<HttpClientKind>(['node', 'undici'])('the %s transport', (kind) => {
  it('tells when each request is on its way, before the answer comes back', async () => {
    let told = 0;
    let tell = () => {};
    // The server answers only once the transport has told, or after 2 s that it has not.
    server = createServer((req, res) => {
      req.resume();
      const answer = () => res.end(`told ${told}`);
      const timer = setTimeout(answer, 2_000);
      tell = () => {
        clearTimeout(timer);
        answer();
      };
      if (told > 0) tell();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const url = new URL(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/x`);
    const transport = await createTransport(kind, {
      connectTimeoutMs: 1_000,
      connectionsPerHost: 1,
      onRequestWritten: () => {
        told += 1;
        tell();
      },
    });
    const send = () =>
      transport.send({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        body: new TextEncoder().encode('{}'),
        signal: AbortSignal.timeout(10_000),
      });
    try {
      expect((await send()).body).toBe('told 1');
      expect((await send()).body).toBe('told 2');
    } finally {
      await transport.close();
    }
  });
});
