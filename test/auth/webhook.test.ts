import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../lib/auth/compare.ts';
import { verifyHubSignature } from '../../lib/auth/hub-signature.ts';
import { decodeSigningSecret, verifyStandardWebhook } from '../../lib/auth/standard-webhooks.ts';
import { authenticateWebhook, type WebhookAuthConfig } from '../../lib/auth/webhook.ts';
import { hubSignature, STANDARD_SECRET, standardWebhookHeaders } from '../helpers/webhook-signing.ts';

const key = decodeSigningSecret(STANDARD_SECRET) as Buffer;
const config: WebhookAuthConfig = {
  signingKeys: [key],
  hubSecrets: ['hub-secret'],
  bearerTokens: ['static-token-123-with-32-characters'],
};

describe('verifyStandardWebhook', () => {
  it('accepts the Standard Webhooks published test vector', () => {
    const headers = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    const result = verifyStandardWebhook(
      headers,
      Buffer.from('{"test": 2432232314}'),
      [key],
      new Date(1614265330_000),
    );
    expect(result).toEqual({ ok: true });
  });

  it('accepts any of several signatures, for key rotation', () => {
    const body = Buffer.from('{}');
    const headers = standardWebhookHeaders(body);
    headers['webhook-signature'] = `v1,AAAA v1a,xyz ${headers['webhook-signature']}`;
    expect(verifyStandardWebhook(headers, body, [key], new Date()).ok).toBe(true);
  });

  it('accepts a second configured key', () => {
    const other = decodeSigningSecret('whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD') as Buffer;
    const body = Buffer.from('{}');
    const headers = standardWebhookHeaders(body, { secret: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD' });
    expect(verifyStandardWebhook(headers, body, [key, other], new Date()).ok).toBe(true);
  });

  it('rejects a timestamp more than five minutes off, either way', () => {
    const body = Buffer.from('{}');
    for (const skew of [-301, 301]) {
      const headers = standardWebhookHeaders(body, { timestamp: Math.floor(Date.now() / 1000) + skew });
      expect(verifyStandardWebhook(headers, body, [key], new Date())).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/tolerance/),
      });
    }
  });

  it('rejects any single flipped byte of the body', () => {
    const body = Buffer.from('{"id":"CHG-1","action":"accept"}');
    const headers = standardWebhookHeaders(body);
    fc.assert(
      fc.property(fc.nat(body.length - 1), fc.integer({ min: 1, max: 255 }), (index, flip) => {
        const tampered = Buffer.from(body);
        tampered[index] = (tampered[index] as number) ^ flip;
        expect(verifyStandardWebhook(headers, tampered, [key], new Date()).ok).toBe(false);
      }),
    );
  });

  it('rejects a signature made with another secret, and missing headers', () => {
    const body = Buffer.from('{}');
    const wrong = standardWebhookHeaders(body, { secret: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD' });
    expect(verifyStandardWebhook(wrong, body, [key], new Date()).ok).toBe(false);
    const { 'webhook-id': _dropped, ...missing } = standardWebhookHeaders(body);
    expect(verifyStandardWebhook(missing, body, [key], new Date()).ok).toBe(false);
  });
});

describe('verifyHubSignature', () => {
  it("matches GitHub's documented example", () => {
    const header = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(verifyHubSignature(header, Buffer.from('Hello, World!'), "It's a Secret to Everybody")).toBe(true);
  });

  it('rejects a wrong secret, a tampered body and malformed headers', () => {
    const body = Buffer.from('{"a":1}');
    expect(verifyHubSignature(hubSignature(body, 'other'), body, 'hub-secret')).toBe(false);
    expect(verifyHubSignature(hubSignature(body, 'hub-secret'), Buffer.from('{"a":2}'), 'hub-secret')).toBe(
      false,
    );
    expect(verifyHubSignature('sha1=abc', body, 'hub-secret')).toBe(false);
    expect(verifyHubSignature('sha256=zz', body, 'hub-secret')).toBe(false);
  });
});

describe('authenticateWebhook', () => {
  const body = Buffer.from('{"id":"x"}');

  it('accepts a request that any configured scheme verifies', () => {
    expect(authenticateWebhook(standardWebhookHeaders(body), body, config, new Date())).toMatchObject({
      ok: true,
      scheme: 'standard-webhooks',
    });
    expect(
      authenticateWebhook(
        { 'x-hub-signature-256': hubSignature(body, 'hub-secret') },
        body,
        config,
        new Date(),
      ),
    ).toMatchObject({ ok: true, scheme: 'hub-signature' });
    expect(
      authenticateWebhook(
        { authorization: 'Bearer static-token-123-with-32-characters' },
        body,
        config,
        new Date(),
      ),
    ).toMatchObject({ ok: true, scheme: 'bearer' });
  });

  it('ignores the headers of a scheme that is not configured', () => {
    const bearerOnly = {
      signingKeys: [],
      hubSecrets: [],
      bearerTokens: ['static-token-123-with-32-characters'],
    };
    expect(authenticateWebhook(standardWebhookHeaders(body), body, bearerOnly, new Date()).ok).toBe(false);
  });

  it('rejects a wrong bearer token and a request with no credentials at all', () => {
    expect(
      authenticateWebhook(
        { authorization: 'Bearer static-token-124-with-32-characters' },
        body,
        config,
        new Date(),
      ).ok,
    ).toBe(false);
    expect(authenticateWebhook({}, body, config, new Date())).toEqual({
      ok: false,
      reason: 'no credentials for a configured scheme',
    });
  });
});

describe('secrets', () => {
  it('decodes whsec_ secrets with or without the prefix and refuses junk', () => {
    expect(decodeSigningSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')?.equals(key)).toBe(true);
    expect(decodeSigningSecret('whsec_not base64!')).toBeUndefined();
    expect(decodeSigningSecret('whsec_AAAA')).toBeUndefined();
  });

  it('compares tokens by value only', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(a === b);
      }),
    );
  });
});
