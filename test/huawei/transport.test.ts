import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTransport } from '../../lib/huawei/create-transport.ts';
import type { HttpClientKind } from '../../lib/huawei/transport.ts';

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

describe.each<HttpClientKind>(['node', 'undici'])('the %s transport, per request', (kind) => {
  it("tells the request's own onWritten once it is on its way, before the answer comes back", async () => {
    let tell = () => {};
    let told = false;
    // The server answers only once the request has been told, or after 2 s that it has not.
    server = createServer((req, res) => {
      req.resume();
      const answer = () => res.end(told ? 'told' : 'not told');
      const timer = setTimeout(answer, 2_000);
      tell = () => {
        clearTimeout(timer);
        answer();
      };
      if (told) tell();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const url = new URL(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/x`);
    const transport = await createTransport(kind, { connectTimeoutMs: 1_000, connectionsPerHost: 1 });
    try {
      const response = await transport.send({
        method: 'GET',
        url,
        headers: {},
        body: undefined,
        signal: AbortSignal.timeout(10_000),
        onWritten: () => {
          told = true;
          tell();
        },
      });
      expect(response.body).toBe('told');
    } finally {
      await transport.close();
    }
  });
});

describe.each<HttpClientKind>(['node', 'undici'])(
  'the %s transport, against a server that misbehaves',
  (kind) => {
    let stalled: NetServer | undefined;
    const held: Socket[] = [];
    afterEach(() => {
      for (const socket of held.splice(0)) socket.destroy();
      stalled?.close();
      stalled = undefined;
    });

    it('stops at the abort while the TLS handshake never answers, well before the connect timeout', async () => {
      // Accepts TCP, then says nothing: the TLS handshake stalls.
      stalled = createNetServer((socket) => held.push(socket));
      const port = await listen(stalled);
      const transport = await createTransport(kind, { connectTimeoutMs: 60_000, connectionsPerHost: 1 });
      const controller = new AbortController();
      try {
        const sending = transport.send({
          method: 'GET',
          url: new URL(`https://127.0.0.1:${port}/v1/x`),
          headers: {},
          body: undefined,
          signal: controller.signal,
        });
        await until(() => held.length > 0);
        controller.abort();
        // Without the fix the undici request waits for its 60 s connect timeout: this test times out.
        await expect(sending).rejects.toMatchObject({ code: 'REQUEST_TIMEOUT' });
      } finally {
        await Promise.race([transport.close(), new Promise((resolve) => setTimeout(resolve, 100))]);
      }
    });

    it('stops reading an answer past the size cap and fails the attempt as RESPONSE_TOO_LARGE', async () => {
      let written = 0;
      server = createServer((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' }); // no Content-Length: chunked
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const pump = () => {
          while (written < 50 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
          if (written < 50 * 1024 * 1024 && !res.destroyed) res.once('drain', pump);
        };
        pump();
      });
      const port = await listen(server);
      const transport = await createTransport(kind, {
        connectTimeoutMs: 1_000,
        connectionsPerHost: 1,
        maxResponseBytes: 1024 * 1024,
      });
      try {
        const sending = transport.send({
          method: 'GET',
          url: new URL(`http://127.0.0.1:${port}/big`),
          headers: {},
          body: undefined,
          signal: AbortSignal.timeout(30_000),
        });
        await expect(sending).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE', retryable: false });
        // Reading stopped: far less than the 50 MB the server meant to send went out.
        expect(written).toBeLessThan(20 * 1024 * 1024);
      } finally {
        await transport.close();
      }
    });

    it('refuses an answer whose declared length is past the cap without reading it', async () => {
      server = createServer((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-length': String(300 * 1024 * 1024) });
        res.write('{');
      });
      const port = await listen(server);
      const transport = await createTransport(kind, {
        connectTimeoutMs: 1_000,
        connectionsPerHost: 1,
        maxResponseBytes: 1024,
      });
      try {
        await expect(
          transport.send({
            method: 'GET',
            url: new URL(`http://127.0.0.1:${port}/declared`),
            headers: {},
            body: undefined,
            signal: AbortSignal.timeout(30_000),
          }),
        ).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
      } finally {
        await transport.close();
      }
    });
  },
);

async function listen(s: Server | NetServer): Promise<number> {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const address = s.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
