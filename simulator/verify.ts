/**
 * The simulator's own SDK-HMAC-SHA256 verification, written from Huawei's signing guide and kept
 * independent of lib/huawei/sign.ts on purpose: a shared bug would let a wrong client pass.
 * It works on what arrived (raw path, raw query, received headers, raw body bytes).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type ParsedAuthorization = { access: string; signedHeaders: string[]; signature: string };

const AUTH_PATTERN =
  /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)$/;

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  const match = header === undefined ? null : AUTH_PATTERN.exec(header.trim());
  if (match === null) return undefined;
  return {
    access: match[1] as string,
    signedHeaders: (match[2] as string).split(';'),
    signature: (match[3] as string).toLowerCase(),
  };
}

/** Percent-encodes everything but RFC 3986's unreserved characters, byte by byte (UTF-8). */
export function escapeUnreserved(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function decodeLoose(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function buildCanonicalUri(rawPath: string): string {
  const joined = rawPath
    .split('/')
    .map((segment) => escapeUnreserved(decodeLoose(segment)))
    .join('/');
  return joined.endsWith('/') ? joined : `${joined}/`;
}

export function buildCanonicalQuery(rawQuery: string): string {
  const entries: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const at = part.indexOf('=');
    const key = at < 0 ? part : part.slice(0, at);
    const value = at < 0 ? '' : part.slice(at + 1);
    entries.push([escapeUnreserved(decodeLoose(key)), escapeUnreserved(decodeLoose(value))]);
  }
  entries.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1));
  return entries.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Received headers are lower-cased by node:http; repeated ones arrive joined. */
export function buildCanonicalHeaders(
  headers: Record<string, string | string[] | undefined>,
  names: readonly string[],
): string {
  let out = '';
  for (const name of names) {
    const value = headers[name];
    out += `${name}:${(Array.isArray(value) ? value.join(',') : (value ?? '')).trim()}\n`;
  }
  return out;
}

export type ReceivedRequest = {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | string;
};

export function buildCanonicalRequest(request: ReceivedRequest, signedHeaders: readonly string[]): string {
  return [
    request.method.toUpperCase(),
    buildCanonicalUri(request.rawPath),
    buildCanonicalQuery(request.rawQuery),
    buildCanonicalHeaders(request.headers, signedHeaders),
    signedHeaders.join(';'),
    createHash('sha256').update(request.body).digest('hex'),
  ].join('\n');
}

export function buildStringToSign(date: string, canonicalRequest: string): string {
  return `SDK-HMAC-SHA256\n${date}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
}

export function expectedSignature(secretKey: string, stringToSign: string): string {
  return createHmac('sha256', secretKey).update(stringToSign).digest('hex');
}

export function signaturesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `YYYYMMDDTHHMMSSZ` to a Date, or undefined when malformed. */
export function parseSdkDate(value: string | undefined): Date | undefined {
  const m = value === undefined ? null : /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const date = new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
