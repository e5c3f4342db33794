/**
 * Slack's Web API on 127.0.0.1 for the approval requests: `chat.postMessage` (answering a `ts` per
 * message) and `chat.update`, recorded per call. Requests made with a bot token in `hang` are held
 * unanswered — a container stuck in a post when Lambda kills it — until `release()` refuses them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SlackCall = {
  method: string;
  token: string;
  body: Record<string, unknown>;
  /** What the stand-in answered (undefined while held). */
  answer?: Record<string, unknown>;
};

export async function startSlackApi(options: { hang?: string[] } = {}) {
  const calls: SlackCall[] = [];
  const held: ServerResponse[] = [];
  let counter = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const method = (req.url ?? '').replace(/^\/api\//, '');
      const call: SlackCall = { method, token, body };
      calls.push(call);
      if (options.hang?.includes(token)) {
        held.push(res);
        return;
      }
      if (method === 'chat.postMessage') counter += 1;
      const answer =
        method === 'chat.postMessage'
          ? { ok: true, channel: body.channel, ts: `1700000000.${String(counter).padStart(6, '0')}` }
          : method === 'chat.update'
            ? { ok: true, channel: body.channel, ts: body.ts }
            : { ok: false, error: 'unknown_method' };
      call.answer = answer;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  return {
    url,
    calls,
    posts: () => calls.filter((c) => c.method === 'chat.postMessage' && !options.hang?.includes(c.token)),
    updates: () => calls.filter((c) => c.method === 'chat.update'),
    /** Answers the held requests with a refusal, so whatever waited on them ends now. */
    release() {
      for (const res of held.splice(0))
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":false,"error":"invalid_auth"}');
    },
    held: () => held.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
