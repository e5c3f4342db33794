/** WeCom callback crypto against the official sample vectors, and what must not open. */

import { createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decryptWecom,
  encryptWecom,
  openWecomMessage,
  wecomKey,
  wecomSignature,
} from '../../lib/auth/wecom.ts';

const official = JSON.parse(
  readFileSync(new URL('../fixtures/wecom-official.json', import.meta.url), 'utf8'),
) as {
  token: string;
  encodingAesKey: string;
  corpId: string;
  verifyUrl: { msgSignature: string; timestamp: string; nonce: string; echostr: string; plaintext: string };
  decryptMsg: {
    msgSignature: string;
    timestamp: string;
    nonce: string;
    encrypt: string;
    plaintext: string;
    paddingBytes: number;
  };
};
const key = wecomKey(official.encodingAesKey) as Buffer;
const secrets = { token: official.token, key, corpId: official.corpId };

describe('WeCom callback crypto (official vectors)', () => {
  it('verifies the URL check and decrypts its echostr', () => {
    const v = official.verifyUrl;
    expect(wecomSignature(official.token, v.timestamp, v.nonce, v.echostr)).toBe(v.msgSignature);
    expect(
      openWecomMessage(
        { msgSignature: v.msgSignature, timestamp: v.timestamp, nonce: v.nonce, encrypted: v.echostr },
        secrets,
      ),
    ).toEqual({ ok: true, message: v.plaintext });
  });

  it('decrypts the sample message, padded with more than 16 bytes (32-byte blocks)', () => {
    const v = official.decryptMsg;
    expect(v.paddingBytes).toBeGreaterThan(16);
    expect(Buffer.from(v.encrypt, 'base64').length % 32).toBe(0);
    expect(
      openWecomMessage(
        { msgSignature: v.msgSignature, timestamp: v.timestamp, nonce: v.nonce, encrypted: v.encrypt },
        secrets,
      ),
    ).toEqual({ ok: true, message: v.plaintext });
  });

  it('refuses the sample under another CorpID', () => {
    const v = official.decryptMsg;
    expect(decryptWecom(v.encrypt, key, 'ww0000000000000000')).toEqual({
      ok: false,
      reason: 'receive id is not WECOM_CORP_ID',
    });
  });

  it('refuses an EncodingAESKey that is not 43 Base64 characters', () => {
    expect(wecomKey(official.encodingAesKey.slice(1))).toBeUndefined();
    expect(wecomKey(`${official.encodingAesKey.slice(1)}!`)).toBeUndefined();
  });

  it("encrypts as WeCom does: with the sample's random prefix, our ciphertext is the sample's", () => {
    const v = official.decryptMsg;
    const first = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    const random = first.update(Buffer.from(v.encrypt, 'base64').subarray(0, 16));
    expect(encryptWecom(v.plaintext, key, official.corpId, random)).toBe(v.encrypt);
  });
});

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function flippedChar(text: string, index: number, alphabet: string): string {
  const i = index % text.length;
  const c = text[i] as string;
  const from = alphabet.includes(c) ? alphabet : `${c}A`;
  return text.slice(0, i) + (from[(from.indexOf(c) + 1) % from.length] as string) + text.slice(i + 1);
}

describe('WeCom callback crypto (properties)', () => {
  const message = fc.string({ maxLength: 300 });
  const part = fc.stringMatching(/^[0-9a-z]{1,12}$/);

  it('opens what it sealed, and nothing with one character changed', () => {
    fc.assert(
      fc.property(
        message,
        part,
        part,
        fc.nat(),
        fc.constantFrom('sig', 'ts', 'nonce', 'body'),
        (text, ts, nonce, i, what) => {
          const encrypted = encryptWecom(text, key, official.corpId);
          const msgSignature = wecomSignature(official.token, ts, nonce, encrypted);
          const signed = { msgSignature, timestamp: ts, nonce, encrypted };
          expect(openWecomMessage(signed, secrets)).toEqual({ ok: true, message: text });
          const changed =
            what === 'sig'
              ? { ...signed, msgSignature: flippedChar(msgSignature, i, '0123456789abcdef') }
              : what === 'ts'
                ? { ...signed, timestamp: flippedChar(ts, i, '0123456789abcdefghijklmnopqrstuvwxyz') }
                : what === 'nonce'
                  ? { ...signed, nonce: flippedChar(nonce, i, '0123456789abcdefghijklmnopqrstuvwxyz') }
                  : { ...signed, encrypted: flippedChar(encrypted, i, B64) };
          expect(openWecomMessage(changed, secrets).ok).toBe(false);
        },
      ),
    );
  });

  it('never opens a sealed message under another CorpID', () => {
    fc.assert(
      fc.property(message, fc.stringMatching(/^ww[0-9a-f]{16}$/), (text, other) => {
        fc.pre(other !== official.corpId);
        expect(decryptWecom(encryptWecom(text, key, official.corpId), key, other).ok).toBe(false);
      }),
    );
  });
});
