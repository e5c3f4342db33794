import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildCanonicalQuery,
  buildCanonicalRequest,
  buildStringToSign,
  expectedSignature,
  parseAuthorization,
  type ReceivedRequest,
} from '../../simulator/verify.ts';
import { publishedVectors, sdkVectors } from '../helpers/vectors.ts';

/** A vector's request as the server receives it: lower-cased headers, host from the URL. */
function received(v: {
  request: { method: string; url: string; headers: Record<string, string>; body: string };
}): ReceivedRequest {
  const url = new URL(v.request.url);
  const headers: Record<string, string> = { host: url.host };
  for (const [name, value] of Object.entries(v.request.headers)) headers[name.toLowerCase()] = value;
  return {
    method: v.request.method,
    rawPath: url.pathname,
    rawQuery: url.search.slice(1),
    headers,
    body: v.request.body,
  };
}

describe('simulator signature verification against the vectors', () => {
  it.each(sdkVectors.map((v) => [v.name, v] as const))('reproduces the SDK signature for %s', (_name, v) => {
    const auth = parseAuthorization(v.expected.authorization);
    expect(auth?.signedHeaders.join(';')).toBe(v.expected.signedHeaders);
    const request = received(v);
    const canonical = buildCanonicalRequest(request, auth?.signedHeaders ?? []);
    const signature = expectedSignature(
      v.credentials.sk,
      buildStringToSign(String(request.headers['x-sdk-date']), canonical),
    );
    expect(signature).toBe(auth?.signature);
  });

  it.each(publishedVectors.map((v) => [v.name, v] as const))(
    'matches the published intermediates for %s',
    (_name, v) => {
      const request = received(v);
      const canonical = buildCanonicalRequest(request, v.signedHeaders.split(';'));
      expect(canonical).toBe(v.canonicalRequest);
      const toSign = buildStringToSign(String(request.headers['x-sdk-date']), canonical);
      expect(toSign).toBe(v.expected.stringToSign);
      expect(expectedSignature(v.credentials.sk, toSign)).toBe(v.expected.signature);
    },
  );

  it('changes the signature when any byte of the body, path or a signed header changes', () => {
    const v = sdkVectors[0];
    if (v === undefined) throw new Error('no vectors');
    const base = received(v);
    const names = parseAuthorization(v.expected.authorization)?.signedHeaders ?? [];
    const sign = (r: ReceivedRequest) =>
      expectedSignature(
        v.credentials.sk,
        buildStringToSign(String(r.headers['x-sdk-date']), buildCanonicalRequest(r, names)),
      );
    const original = sign(base);
    fc.assert(
      fc.property(
        fc.constantFrom('body', 'rawPath', 'x-project-id', 'content-type'),
        fc.nat(),
        fc.integer({ min: 1, max: 127 }),
        (field, at, flip) => {
          const text =
            field === 'body' || field === 'rawPath' ? String(base[field]) : String(base.headers[field]);
          const i = at % text.length;
          const changed =
            text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ flip) + text.slice(i + 1);
          if (changed.trim() === text.trim()) return;
          const tampered: ReceivedRequest =
            field === 'body' || field === 'rawPath'
              ? { ...base, [field]: changed }
              : { ...base, headers: { ...base.headers, [field]: changed } };
          if (field === 'rawPath' && decodeURIComponent(safe(changed)) === decodeURIComponent(text)) return;
          expect(sign(tampered)).not.toBe(original);
        },
      ),
    );
  });

  it('sorts query pairs by key then value and encodes spaces as %20', () => {
    expect(buildCanonicalQuery('b=1&a=2&a=1&name=gw%201%2Fprod')).toBe('a=1&a=2&b=1&name=gw%201%2Fprod');
  });

  it('refuses malformed Authorization headers', () => {
    for (const header of [
      '',
      'SDK-HMAC-SHA256 Access=a',
      'AWS4-HMAC-SHA256 Access=a, SignedHeaders=host, Signature=00',
      undefined,
    ]) {
      expect(parseAuthorization(header)).toBeUndefined();
    }
  });
});

function safe(text: string): string {
  try {
    decodeURIComponent(text);
    return text;
  } catch {
    return encodeURIComponent(text);
  }
}
