/**
 * A stand-in for Slack's Web API on 127.0.0.1 for `npm start`: `chat.postMessage` is answered as
 * Slack answers it, and each message posted is handed to `onPost` (printed), so the approval requests
 * a sweep raises in chat can be seen without a Slack workspace.
 */
import { randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ChatCapture = { apiBase: string; server: Server; posted: unknown[]; stop(): Promise<void> };

export async function startChatCapture(onPost: (message: unknown) => void = () => {}): Promise<ChatCapture> {
  const posted: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const known = req.method === 'POST' && req.url === '/api/chat.postMessage';
      if (known && body !== undefined) {
        posted.push(body);
        onPost(body);
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          JSON.stringify(
            known
              ? { ok: true, ts: `${Math.floor(Date.now() / 1000)}.${randomInt(100_000, 999_999)}` }
              : { ok: false, error: 'unknown_method' },
          ),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    apiBase: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    server,
    posted,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
