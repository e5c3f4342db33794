/**
 * The node:http/https transport, for Lambda (see transport.ts for why). One keep-alive Agent per
 * protocol; node's Agent pools sockets per host, `maxSockets` per host. The connect timeout covers TCP
 * and TLS set-up; the request's AbortSignal covers the rest.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { NetworkError, ResponseTooLargeError } from '../errors.ts';
import {
  cappedBody,
  DEFAULT_MAX_RESPONSE_BYTES,
  declaredTooLarge,
  type RawResponse,
  type Transport,
  type TransportOptions,
  toNetworkError,
} from './transport.ts';

export function createNodeTransport(options: TransportOptions): Transport {
  const agentOptions = { keepAlive: true, maxSockets: options.connectionsPerHost, keepAliveMsecs: 10_000 };
  const http = new HttpAgent(agentOptions);
  const https = new HttpsAgent(agentOptions);
  const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return {
    send(raw) {
      return new Promise<RawResponse>((resolve, reject) => {
        const secure = raw.url.protocol === 'https:';
        const send = secure ? httpsRequest : httpRequest;
        const req = send(raw.url, {
          method: raw.method,
          headers: raw.headers,
          agent: secure ? https : http,
          signal: raw.signal,
        });
        // 'finish': the request's last bytes are with the OS; what runs now overlaps the wait.
        if (options.onRequestWritten !== undefined) req.once('finish', options.onRequestWritten);
        if (raw.onWritten !== undefined) req.once('finish', raw.onWritten);
        req.on('socket', (socket) => {
          if (!socket.connecting) return;
          // A reused keep-alive socket is already connected; a new one gets the connect timeout.
          const timer = setTimeout(
            () => req.destroy(Object.assign(new Error('connect timed out'), { code: 'CONNECT_TIMEOUT' })),
            options.connectTimeoutMs,
          );
          socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
          socket.once('close', () => clearTimeout(timer));
        });
        req.on('response', (response: IncomingMessage) => {
          const tooLarge = () => {
            reject(new ResponseTooLargeError(limit));
            req.destroy();
          };
          if (declaredTooLarge(response.headers, limit)) return tooLarge();
          const body = cappedBody(limit);
          response.on('data', (chunk: Buffer) => {
            try {
              body.push(chunk);
            } catch {
              tooLarge();
            }
          });
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: body.text() }),
          );
          response.on('error', (error) => reject(toNetworkError(error, raw.signal)));
        });
        req.on('error', (error) =>
          reject(error instanceof NetworkError ? error : toNetworkError(error, raw.signal)),
        );
        req.end(raw.body === undefined ? undefined : Buffer.from(raw.body));
      });
    },
    async close() {
      http.destroy();
      https.destroy();
    },
  };
}
