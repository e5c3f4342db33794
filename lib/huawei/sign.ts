/**
 * Huawei Cloud AK/SK signing (SDK-HMAC-SHA256): a simplified SigV4 with no credential scope and no key
 * derivation. Each step is a pure, exported function so tests can check the intermediate strings against
 * Huawei's published vectors, not only the final header.
 */
import { createHash, createHmac } from 'node:crypto';

export const ALGORITHM = 'SDK-HMAC-SHA256';

/** A request as the signer sees it: the exact bytes that will be sent. */
export type SignableRequest = {
  method: string;
  url: URL;
  /** Headers to sign (and send); `host` is added from the URL. Names in any case. */
  headers: Record<string, string>;
  body: Uint8Array | string;
};

export type AkSk = { ak: string; sk: string };

/** RFC 3986 encoding: keeps only the unreserved set, so `!'()*` are escaped too (space is `%20`). */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decodeLoose(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Each path segment normalized to RFC 3986 encoding; always ends in `/` for signing only. */
export function canonicalUri(pathname: string): string {
  const path = pathname
    .split('/')
    .map((segment) => encodeRfc3986(decodeLoose(segment)))
    .join('/');
  return path.endsWith('/') ? path : `${path}/`;
}

/**
 * Query pairs encoded and sorted by key then value. The raw search string is split by hand because
 * URLSearchParams turns `+` into a space, which would sign a different value than the one sent.
 */
export function canonicalQuery(search: string): string {
  const raw = search.startsWith('?') ? search.slice(1) : search;
  if (raw === '') return '';
  const pairs = raw
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const key = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? '' : part.slice(eq + 1);
      return [encodeRfc3986(decodeLoose(key)), encodeRfc3986(decodeLoose(value))] as const;
    });
  pairs.sort(([ak, av], [bk, bv]) => (ak === bk ? compare(av, bv) : compare(ak, bk)));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** Lower-cased, sorted header names: the `SignedHeaders` value. */
export function signedHeaderNames(headers: Record<string, string>): string[] {
  return [...new Set(Object.keys(headers).map((name) => name.toLowerCase()))].sort(compare);
}

/** `name:trimmed value\n` for each signed header, sorted by name. */
export function canonicalHeaders(headers: Record<string, string>, names: readonly string[]): string {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return names.map((name) => `${name}:${(lower.get(name) ?? '').trim()}\n`).join('');
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The canonical request for `request`, signing exactly `names` (which must include `host`). */
export function canonicalRequest(request: SignableRequest, names: readonly string[]): string {
  const headers = { host: request.url.host, ...request.headers };
  return [
    request.method.toUpperCase(),
    canonicalUri(request.url.pathname),
    canonicalQuery(request.url.search),
    canonicalHeaders(headers, names),
    names.join(';'),
    sha256Hex(request.body),
  ].join('\n');
}

export function stringToSign(sdkDate: string, canonical: string): string {
  return `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
}

export function signature(sk: string, toSign: string): string {
  return createHmac('sha256', sk).update(toSign).digest('hex');
}

export function authorization(ak: string, names: readonly string[], sig: string): string {
  return `${ALGORITHM} Access=${ak}, SignedHeaders=${names.join(';')}, Signature=${sig}`;
}

/** `X-Sdk-Date` format: UTC `YYYYMMDDTHHMMSSZ`. */
export function sdkDate(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * Signs every header given plus `host`; the headers must already hold `X-Sdk-Date`. Returns the
 * `Authorization` value. Only headers the HTTP client sends unchanged may be passed here.
 */
export function sign(request: SignableRequest, credentials: AkSk): string {
  const names = signedHeaderNames({ ...request.headers, host: request.url.host });
  const date = Object.entries(request.headers).find(([k]) => k.toLowerCase() === 'x-sdk-date')?.[1];
  if (date === undefined) throw new Error('X-Sdk-Date must be set before signing');
  const canonical = canonicalRequest(request, names);
  return authorization(credentials.ak, names, signature(credentials.sk, stringToSign(date, canonical)));
}
