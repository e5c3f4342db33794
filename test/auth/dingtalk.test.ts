/** DingTalk's card-callback and robot signatures: the documented algorithms, the windows, any flipped byte. */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dingtalkCardSignature,
  dingtalkRobotSignature,
  verifyDingtalkCardCallback,
  verifyDingtalkRobotRequest,
} from '../../lib/auth/dingtalk.ts';

const vectors = JSON.parse(
  readFileSync(new URL('../fixtures/dingtalk-signature.json', import.meta.url), 'utf8'),
) as {
  card: { apiSecret: string; timestamp: string; signature: string };
  robot: { appSecret: string; timestamp: string; sign: string };
};

const at = (ms: string, skewMs = 0) => new Date(Number(ms) + skewMs);
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function flippedChar(text: string, index: number): string {
  const i = index % text.length;
  const c = text[i] as string;
  const alphabet = c === '=' ? '=A' : B64;
  return (
    text.slice(0, i) + (alphabet[(alphabet.indexOf(c) + 1) % alphabet.length] as string) + text.slice(i + 1)
  );
}

describe('DingTalk card callback signature', () => {
  const { apiSecret, timestamp, signature } = vectors.card;
  const headers = { 'x-ddpaas-signature-timestamp': timestamp, 'x-ddpaas-signature': signature };

  it('matches the vector computed with the documented algorithm', () => {
    expect(dingtalkCardSignature(apiSecret, timestamp)).toBe(signature);
    expect(verifyDingtalkCardCallback(headers, apiSecret, at(timestamp))).toEqual({
      ok: true,
      timestamp,
      signature,
    });
  });

  it('accepts ±5 minutes and refuses a stale or future timestamp', () => {
    expect(verifyDingtalkCardCallback(headers, apiSecret, at(timestamp, 5 * 60_000)).ok).toBe(true);
    expect(verifyDingtalkCardCallback(headers, apiSecret, at(timestamp, -5 * 60_000)).ok).toBe(true);
    const stale = verifyDingtalkCardCallback(headers, apiSecret, at(timestamp, 5 * 60_000 + 1));
    expect(stale).toEqual({
      ok: false,
      reason: 'x-ddpaas-signature-timestamp is outside the 5-minute tolerance',
    });
    expect(verifyDingtalkCardCallback(headers, apiSecret, at(timestamp, -5 * 60_000 - 1)).ok).toBe(false);
  });

  it('refuses missing headers, a seconds timestamp, another secret', () => {
    expect(verifyDingtalkCardCallback({}, apiSecret, at(timestamp))).toEqual({
      ok: false,
      reason: 'DingTalk card signature headers missing',
    });
    const seconds = timestamp.slice(0, 10);
    const signedSeconds = {
      'x-ddpaas-signature-timestamp': seconds,
      'x-ddpaas-signature': dingtalkCardSignature(apiSecret, seconds),
    };
    expect(verifyDingtalkCardCallback(signedSeconds, apiSecret, at(timestamp)).ok).toBe(false);
    expect(verifyDingtalkCardCallback(headers, `${apiSecret}x`, at(timestamp)).ok).toBe(false);
  });

  it('rejects any flipped character of the signature or the timestamp', () => {
    fc.assert(
      fc.property(fc.nat(), fc.string({ minLength: 1, maxLength: 64 }), (index, secret) => {
        const ts = timestamp;
        const sig = dingtalkCardSignature(secret, ts);
        const ok = { 'x-ddpaas-signature-timestamp': ts, 'x-ddpaas-signature': sig };
        expect(verifyDingtalkCardCallback(ok, secret, at(ts)).ok).toBe(true);
        const badSig = { ...ok, 'x-ddpaas-signature': flippedChar(sig, index) };
        expect(verifyDingtalkCardCallback(badSig, secret, at(ts)).ok).toBe(false);
        // A timestamp changed in its last three digits stays inside the window: only the HMAC refuses it.
        const i = ts.length - 1 - (index % 3);
        const changed = ts.slice(0, i) + String((Number(ts[i]) + 1) % 10) + ts.slice(i + 1);
        expect(
          verifyDingtalkCardCallback({ ...ok, 'x-ddpaas-signature-timestamp': changed }, secret, at(ts)).ok,
        ).toBe(false);
      }),
    );
  });
});

describe('DingTalk robot (HTTP receive mode) signature', () => {
  const { appSecret, timestamp, sign } = vectors.robot;
  const headers = { timestamp, sign };

  it('matches the vector computed with the documented algorithm', () => {
    expect(dingtalkRobotSignature(appSecret, timestamp)).toBe(sign);
    expect(verifyDingtalkRobotRequest(headers, appSecret, at(timestamp)).ok).toBe(true);
  });

  it('accepts an hour either way and no more', () => {
    expect(verifyDingtalkRobotRequest(headers, appSecret, at(timestamp, 3_600_000)).ok).toBe(true);
    expect(verifyDingtalkRobotRequest(headers, appSecret, at(timestamp, 3_600_001))).toEqual({
      ok: false,
      reason: 'timestamp is outside the 60-minute tolerance',
    });
  });

  it('rejects any flipped character of the sign', () => {
    fc.assert(
      fc.property(fc.nat(), (index) => {
        expect(
          verifyDingtalkRobotRequest({ timestamp, sign: flippedChar(sign, index) }, appSecret, at(timestamp))
            .ok,
        ).toBe(false);
      }),
    );
  });
});
