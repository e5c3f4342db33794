/**
 * A minimal signer for the simulator's own tests, written from the API notes and sharing nothing with
 * lib/huawei/sign.ts or simulator/verify.ts. It signs host, x-sdk-date and the headers given.
 */
import { createHash, createHmac } from 'node:crypto';

export function testSign(input: {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
  ak: string;
  sk: string;
  date: Date;
}) {
  const date = input.date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  const headers: Record<string, string> = { host: input.url.host, 'x-sdk-date': date };
  for (const [k, v] of Object.entries(input.headers)) headers[k.toLowerCase()] = v;
  const names = Object.keys(headers).sort();
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = [...input.url.searchParams]
    .map(([k, v]) => [enc(k), enc(v)])
    .sort((a, b) => (`${a[0]}=${a[1]}` < `${b[0]}=${b[1]}` ? -1 : 1));
  const canonical = [
    input.method,
    `${input.url.pathname.replace(/\/$/, '')}/`,
    query.map(([k, v]) => `${k}=${v}`).join('&'),
    names.map((n) => `${n}:${headers[n]?.trim()}\n`).join(''),
    names.join(';'),
    createHash('sha256').update(input.body).digest('hex'),
  ].join('\n');
  const toSign = `SDK-HMAC-SHA256\n${date}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const signature = createHmac('sha256', input.sk).update(toSign).digest('hex');
  return {
    'X-Sdk-Date': date,
    Authorization: `SDK-HMAC-SHA256 Access=${input.ak}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}
