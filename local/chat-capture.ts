/**
 * A stand-in for Slack's Web API on 127.0.0.1 for `npm start`: `chat.postMessage` and `chat.update`
 * are answered as Slack answers them, and each message posted or updated is handed to `onPost` /
 * `onUpdate` (printed), so the approval requests a sweep raises in chat — and their closing once the
 * connection is decided — can be seen without a Slack workspace.
 */
import { randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ChatCapture = {
  apiBase: string;
  server: Server;
  posted: unknown[];
  updated: unknown[];
  stop(): Promise<void>;
};

export async function startChatCapture(
  onPost: (message: unknown) => void = () => {},
  onUpdate: (message: unknown) => void = () => {},
): Promise<ChatCapture> {
  const posted: unknown[] = [];
  const updated: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> | undefined;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        body = undefined;
      }
      const method = req.method === 'POST' ? req.url?.replace(/^\/api\//, '') : undefined;
      let answer: unknown = { ok: false, error: 'unknown_method' };
      if (method === 'chat.postMessage' && body !== undefined) {
        posted.push(body);
        onPost(body);
        const ts = `${Math.floor(Date.now() / 1000)}.${randomInt(100_000, 999_999)}`;
        answer = { ok: true, channel: body.channel, ts };
      } else if (method === 'chat.update' && body !== undefined) {
        updated.push(body);
        onUpdate(body);
        answer = { ok: true, channel: body.channel, ts: body.ts };
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    apiBase: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    server,
    posted,
    updated,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
