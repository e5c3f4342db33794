import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  authorization,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  encodeRfc3986,
  sdkDate,
  sha256Hex,
  sign,
  signature,
  signedHeaderNames,
  stringToSign,
} from '../../lib/huawei/sign.ts';
import { publishedVectors, sdkVectors } from '../helpers/vectors.ts';

describe('sign (SDK vectors)', () => {
  it.each(sdkVectors.map((v) => [v.name, v] as const))(
    'produces the SDK authorization for %s',
    (_name, v) => {
      const header = sign(
        {
          method: v.request.method,
          url: new URL(v.request.url),
          headers: v.request.headers,
          body: v.request.body,
        },
        v.credentials,
      );
      expect(header).toBe(v.expected.authorization);
    },
  );
});

describe('signer steps (published vectors)', () => {
  it.each(publishedVectors.map((v) => [v.name, v] as const))(
    'matches every intermediate for %s',
    (_name, v) => {
      const request = {
        method: v.request.method,
        url: new URL(v.request.url),
        headers: v.request.headers,
        body: v.request.body,
      };
      const names = v.signedHeaders.split(';');
      const canonical = canonicalRequest(request, names);
      expect(canonical).toBe(v.canonicalRequest);
      expect(sha256Hex(canonical)).toBe(v.expected.canonicalRequestSha256);
      const toSign = stringToSign(v.request.headers['X-Sdk-Date'] ?? '', canonical);
      expect(toSign).toBe(v.expected.stringToSign);
      expect(signature(v.credentials.sk, toSign)).toBe(v.expected.signature);
    },
  );

  it('names the signed headers lower-cased and sorted, host included', () => {
    expect(signedHeaderNames({ 'X-Sdk-Date': 'd', host: 'h', 'Content-Type': 'c' })).toEqual([
      'content-type',
      'host',
      'x-sdk-date',
    ]);
  });

  it('builds the Authorization header in the documented form', () => {
    expect(authorization('AK', ['host', 'x-sdk-date'], 'abc')).toBe(
      'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=abc',
    );
  });

  it('formats X-Sdk-Date as UTC YYYYMMDDTHHMMSSZ', () => {
    expect(sdkDate(new Date('2026-11-22T09:30:05.123Z'))).toBe('20261122T093005Z');
  });

  it('refuses to sign without X-Sdk-Date', () => {
    expect(() =>
      sign({ method: 'GET', url: new URL('https://h/x'), headers: {}, body: '' }, { ak: 'a', sk: 's' }),
    ).toThrow(/X-Sdk-Date/);
  });
});

describe('canonical encoders', () => {
  it('always ends the canonical URI with a slash and keeps segments RFC 3986 encoded', () => {
    expect(canonicalUri('/v1/p/vpcs')).toBe('/v1/p/vpcs/');
    expect(canonicalUri('/a%20b/c')).toBe('/a%20b/c/');
    expect(canonicalUri('/a b/(c)')).toBe('/a%20b/%28c%29/');
  });

  it('sorts the query by key then value and encodes spaces as %20, never +', () => {
    expect(canonicalQuery('?b=2&a=2&a=1&c=gw%201%2Fprod')).toBe('a=1&a=2&b=2&c=gw%201%2Fprod');
    expect(canonicalQuery('')).toBe('');
    expect(canonicalQuery('?k')).toBe('k=');
  });

  it('is idempotent: a canonical query read back canonicalizes to itself', () => {
    const pair = fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 6 }), (pairs) => {
        const search = pairs.map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(v)}`).join('&');
        const once = canonicalQuery(search);
        expect(canonicalQuery(once)).toBe(once);
      }),
    );
  });

  it('encodes exactly the RFC 3986 unreserved set unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (s) => {
        const encoded = encodeRfc3986(s);
        expect(encoded).toMatch(/^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*$/);
        expect(decodeURIComponent(encoded)).toBe(s);
      }),
    );
  });

  it('decodes a percent-encoded path segment before re-encoding, so it is never double-encoded', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 10 }), (segment) => {
        const once = canonicalUri(`/${encodeRfc3986(segment)}`);
        expect(canonicalUri(once)).toBe(once);
      }),
    );
  });
});
