/**
 * Every verifier, one property each way: a request signed with the secret verifies; any flipped byte
 * (body or signature), a timestamp outside the replay window, or another secret rejects.
 */
import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyBearer } from '../../lib/auth/bearer.ts';
import {
  chatSourceSignature,
  type SignedSourceFields,
  verifyChatSource,
} from '../../lib/auth/chat-source.ts';
import { feishuSignature, verifyFeishuRequest } from '../../lib/auth/feishu.ts';
import { verifyHubSignature } from '../../lib/auth/hub-signature.ts';
import { REPLAY_WINDOW_SECONDS, replayWindowProblem } from '../../lib/auth/replay-window.ts';
import { slackSignature, verifySlackRequest } from '../../lib/auth/slack.ts';
import { decodeSigningSecret, verifyStandardWebhook } from '../../lib/auth/standard-webhooks.ts';

const NOW = new Date('2026-11-26T12:00:00Z');
const nowSeconds = Math.floor(NOW.getTime() / 1000);

const body = fc.uint8Array({ minLength: 1, maxLength: 256 }).map((a) => Buffer.from(a));
const secret = fc.string({ minLength: 1, maxLength: 64 });
/** Two different secrets. */
const secrets = fc.tuple(secret, secret).filter(([a, b]) => a !== b);
const key16 = fc.uint8Array({ minLength: 16, maxLength: 48 }).map((a) => Buffer.from(a));
const stale = fc.oneof(
  fc.integer({ min: REPLAY_WINDOW_SECONDS + 1, max: 10 * 365 * 86_400 }),
  fc.integer({ min: -10 * 365 * 86_400, max: -(REPLAY_WINDOW_SECONDS + 1) }),
);
const inWindow = fc.integer({ min: -REPLAY_WINDOW_SECONDS, max: REPLAY_WINDOW_SECONDS });

/** Flips bits of one byte: `at` is taken modulo the length. */
function flipped(data: Buffer, at: number, flip: number): Buffer {
  const copy = Buffer.from(data);
  const index = at % copy.length;
  copy[index] = (copy[index] as number) ^ flip;
  return copy;
}
/** Flips one character of a hex or base64 text to another character of the same alphabet. */
function flippedChar(text: string, at: number, alphabet: string): string {
  const index = at % text.length;
  const current = text[index] as string;
  const replacement = alphabet[(alphabet.indexOf(current) + 1) % alphabet.length] as string;
  return text.slice(0, index) + replacement + text.slice(index + 1);
}
const HEX = '0123456789abcdef';
const flip = fc.integer({ min: 1, max: 255 });

describe('replay window', () => {
  it('accepts exactly the timestamps within five minutes either way', () => {
    fc.assert(
      fc.property(inWindow, (skew) => {
        expect(replayWindowProblem('t', String(nowSeconds + skew), NOW)).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(stale, (skew) => {
        expect(replayWindowProblem('t', String(nowSeconds + skew), NOW)).toMatch(/tolerance/);
      }),
    );
    expect(replayWindowProblem('t', '1e9', NOW)).toMatch(/not a Unix time/);
  });
});

describe('Standard Webhooks', () => {
  const sign = (key: Buffer, id: string, ts: number, data: Buffer) => ({
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': `v1,${createHmac('sha256', key).update(`${id}.${ts}.`).update(data).digest('base64')}`,
  });

  it('verifies its own signature and rejects any flipped byte of the body or the signature', () => {
    fc.assert(
      fc.property(key16, body, inWindow, fc.nat(), flip, (key, data, skew, at, bits) => {
        const headers = sign(key, 'msg_1', nowSeconds + skew, data);
        expect(verifyStandardWebhook(headers, data, [key], NOW).ok).toBe(true);
        expect(verifyStandardWebhook(headers, flipped(data, at, bits), [key], NOW).ok).toBe(false);
        const signature = Buffer.from(headers['webhook-signature'].slice(3), 'base64');
        const forged = {
          ...headers,
          'webhook-signature': `v1,${flipped(signature, at, bits).toString('base64')}`,
        };
        expect(verifyStandardWebhook(forged, data, [key], NOW).ok).toBe(false);
      }),
    );
  });

  it('rejects a stale timestamp and another key', () => {
    fc.assert(
      fc.property(key16, key16, body, stale, (key, other, data, skew) => {
        fc.pre(!key.equals(other));
        expect(verifyStandardWebhook(sign(key, 'm', nowSeconds + skew, data), data, [key], NOW).ok).toBe(
          false,
        );
        expect(verifyStandardWebhook(sign(other, 'm', nowSeconds, data), data, [key], NOW).ok).toBe(false);
      }),
    );
  });

  it('decodes any whsec_ secret of at least 16 bytes back to its key', () => {
    fc.assert(
      fc.property(key16, (key) => {
        expect(decodeSigningSecret(`whsec_${key.toString('base64')}`)?.equals(key)).toBe(true);
      }),
    );
  });
});

describe('X-Hub-Signature-256', () => {
  const sign = (s: string, data: Buffer) => `sha256=${createHmac('sha256', s).update(data).digest('hex')}`;

  it('verifies its own signature; any flipped byte, flipped hex digit or other secret rejects', () => {
    fc.assert(
      fc.property(secrets, body, fc.nat(), flip, ([s, other], data, at, bits) => {
        const header = sign(s, data);
        expect(verifyHubSignature(header, data, s)).toBe(true);
        expect(verifyHubSignature(header, flipped(data, at, bits), s)).toBe(false);
        expect(verifyHubSignature(`sha256=${flippedChar(header.slice(7), at, HEX)}`, data, s)).toBe(false);
        expect(verifyHubSignature(sign(other, data), data, s)).toBe(false);
      }),
    );
  });
});

describe('bearer token', () => {
  const token = fc.stringMatching(/^[\x21-\x7e]{32,64}$/);

  it('accepts the whole token only: any changed character, prefix or piece rejects', () => {
    fc.assert(
      fc.property(token, fc.nat(), (t, at) => {
        expect(verifyBearer(`Bearer ${t}`, [t])).toBe(true);
        const index = at % t.length;
        const changed = t.slice(0, index) + (t[index] === 'a' ? 'b' : 'a') + t.slice(index + 1);
        expect(verifyBearer(`Bearer ${changed}`, [t])).toBe(false);
        expect(verifyBearer(`Bearer ${t.slice(0, index)}`, [t])).toBe(false);
        expect(verifyBearer(`Bearer ${t.slice(index + 1)}`, [t])).toBe(false);
      }),
    );
  });
});

describe('Slack v0 signature', () => {
  const sign = (s: string, ts: number, data: Buffer) => ({
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': slackSignature(s, String(ts), data),
  });

  it('verifies its own signature; any flipped byte of body or signature rejects', () => {
    fc.assert(
      fc.property(secret, body, inWindow, fc.nat(), flip, (s, data, skew, at, bits) => {
        const headers = sign(s, nowSeconds + skew, data);
        expect(verifySlackRequest(headers, data, s, NOW).ok).toBe(true);
        expect(verifySlackRequest(headers, flipped(data, at, bits), s, NOW).ok).toBe(false);
        const hex = headers['x-slack-signature'].slice(3);
        const forged = { ...headers, 'x-slack-signature': `v0=${flippedChar(hex, at, HEX)}` };
        expect(verifySlackRequest(forged, data, s, NOW).ok).toBe(false);
      }),
    );
  });

  it('rejects a stale timestamp and another secret', () => {
    fc.assert(
      fc.property(secrets, body, stale, ([s, other], data, skew) => {
        expect(verifySlackRequest(sign(s, nowSeconds + skew, data), data, s, NOW).ok).toBe(false);
        expect(verifySlackRequest(sign(other, nowSeconds, data), data, s, NOW).ok).toBe(false);
      }),
    );
  });
});

describe('Feishu/Lark signature', () => {
  const sign = (key: string, ts: number, data: Buffer) => {
    const nonce = randomUUID();
    return {
      'x-lark-request-timestamp': String(ts),
      'x-lark-request-nonce': nonce,
      'x-lark-signature': feishuSignature(String(ts), nonce, key, data),
    };
  };

  it('verifies its own signature; any flipped byte of body or signature rejects', () => {
    fc.assert(
      fc.property(secret, body, inWindow, fc.nat(), flip, (key, data, skew, at, bits) => {
        const headers = sign(key, nowSeconds + skew, data);
        expect(verifyFeishuRequest(headers, data, key, NOW).ok).toBe(true);
        expect(verifyFeishuRequest(headers, flipped(data, at, bits), key, NOW).ok).toBe(false);
        const forged = { ...headers, 'x-lark-signature': flippedChar(headers['x-lark-signature'], at, HEX) };
        expect(verifyFeishuRequest(forged, data, key, NOW).ok).toBe(false);
      }),
    );
  });

  it('rejects a stale timestamp and another key', () => {
    fc.assert(
      fc.property(secrets, body, stale, ([key, other], data, skew) => {
        expect(verifyFeishuRequest(sign(key, nowSeconds + skew, data), data, key, NOW).ok).toBe(false);
        expect(verifyFeishuRequest(sign(other, nowSeconds, data), data, key, NOW).ok).toBe(false);
      }),
    );
  });
});

describe('chat source signature', () => {
  const fields = fc.record({
    decisionId: fc.stringMatching(/^[a-z]+:[0-9a-f]{32}$/),
    action: fc.constantFrom('accept', 'reject'),
    targetKey: fc.uuid().map((id) => `vpcep:${id}`),
    requestedBy: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
    source: fc.record({
      system: fc.constantFrom('slack', 'feishu', 'lark'),
      ref: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
      url: fc.option(fc.webUrl(), { nil: undefined }),
    }),
  });
  /** The fields with one of them changed. */
  const altered = (f: SignedSourceFields, which: number, extra: string): SignedSourceFields => {
    switch (which % 6) {
      case 0:
        return { ...f, decisionId: `${f.decisionId}${extra}` };
      case 1:
        return { ...f, action: f.action === 'accept' ? 'reject' : 'accept' };
      case 2:
        return { ...f, requestedBy: `${f.requestedBy ?? ''}${extra}` };
      case 3:
        return { ...f, source: { ...f.source, ref: `${f.source.ref ?? ''}${extra}` } };
      case 4:
        return { ...f, source: { ...f.source, url: `${f.source.url ?? 'https://x'}/${extra}` } };
      default:
        return { ...f, targetKey: `apig:${'0'.repeat(32)}` };
    }
  };

  it('verifies its own signature; any altered field, flipped digit or other key rejects', () => {
    fc.assert(
      fc.property(fields, secrets, fc.nat(), fc.string({ minLength: 1 }), (f, [key, other], at, extra) => {
        const signature = chatSourceSignature(f, key);
        expect(verifyChatSource(f, signature, key)).toBe(true);
        expect(verifyChatSource(altered(f, at, extra), signature, key)).toBe(false);
        expect(verifyChatSource(f, `v1=${flippedChar(signature.slice(3), at, HEX)}`, key)).toBe(false);
        expect(verifyChatSource(f, chatSourceSignature(f, other), key)).toBe(false);
        expect(verifyChatSource(f, undefined, key)).toBe(false);
      }),
    );
  });
});
