/**
 * Serves a Lambda HTTP API handler on a local port: each request becomes an API Gateway payload 2.0
 * event (body base64-encoded, as API Gateway does for non-text bodies), and the result is written back.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { LOOPBACK, listenOnLoopback } from './listen.ts';

export type HttpApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export type Route = { method: string; path: string; handler: HttpApiHandler; context: () => Context };

/** Serves on 127.0.0.1:`port`; a busy port rejects with a PortInUseError naming `PORT`. */
export async function serveHttpApi(routes: Route[], port: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const route = routes.find((r) => r.method === req.method && r.path === url.pathname);
      if (route === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
        return;
      }
      const body = await readBody(req);
      try {
        const result = await route.handler(toEvent(req, url, body, route), route.context());
        res
          .writeHead(result.statusCode ?? 200, result.headers as Record<string, string>)
          .end(result.body ?? '');
      } catch {
        // What API Gateway answers when the function itself fails.
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"Internal Server Error"}');
      }
    })();
  });
  const bound = await listenOnLoopback(server, port, 'PORT');
  return { server, url: `http://${LOOPBACK}:${bound}` };
}

function toEvent(req: IncomingMessage, url: URL, body: Buffer, route: Route): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query = Object.fromEntries(url.searchParams);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search === '' ? {} : { queryStringParameters: query }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: crypto.randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length === 0 ? {} : { body: body.toString('base64') }),
    isBase64Encoded: body.length > 0,
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
