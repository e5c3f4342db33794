/**
 * A local HTTP server standing in for Slack's response_url, Feishu's Open API, SNS or SSM: records
 * what it gets and answers with JSON, or with a body as given when the answer names its content type.
 */
import { createServer, type Server } from 'node:http';

export type Captured = {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
};

export type CaptureAnswer = {
  status: number;
  body: unknown;
  contentType?: string;
  /** More response headers (`retry-after`…). */
  headers?: Record<string, string>;
};

export async function startCaptureServer(
  answer: (request: Captured) => CaptureAnswer = () => ({
    status: 200,
    body: { ok: true },
  }),
) {
  const captured: Captured[] = [];
  const waiters: Array<{ match: (c: Captured) => boolean; resolve: (c: Captured) => void }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      captured.push(request);
      for (const waiter of waiters.filter((w) => w.match(request))) waiter.resolve(request);
      const reply = answer(request);
      if (reply.contentType === undefined)
        res
          .writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
          .end(JSON.stringify(reply.body));
      else
        res
          .writeHead(reply.status, { 'content-type': reply.contentType, ...reply.headers })
          .end(String(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  return {
    url,
    captured,
    waitFor(match: (c: Captured) => boolean, timeoutMs = 10_000): Promise<Captured> {
      const seen = captured.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('nothing captured in time')), timeoutMs);
        waiters.push({
          match,
          resolve: (c) => {
            clearTimeout(timer);
            resolve(c);
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
