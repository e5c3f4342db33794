/**
 * Webhook authentication over the raw body bytes. Three schemes, any configured one may accept:
 * - Standard Webhooks v1: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>` (several
 *   allowed, for key rotation), HMAC-SHA256 of `id.timestamp.body` with the `whsec_` secret, ±5 minutes;
 * - `X-Hub-Signature-256: sha256=<hex>` (Jira admin webhooks, GitHub-style senders);
 * - a static bearer token (Jira Automation, ServiceNow): the weakest, since it proves only possession of
 *   a string that travels with every request and does not bind the body.
 * Every comparison is constant-time.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookAuthConfig = {
  /** Standard Webhooks keys, already decoded from `whsec_<base64>`. */
  signingKeys: readonly Buffer[];
  hubSecrets: readonly string[];
  bearerTokens: readonly string[];
};

export type AuthScheme = 'standard-webhooks' | 'hub-signature' | 'bearer';

export type AuthResult = { ok: true; scheme: AuthScheme } | { ok: false; reason: string };

/** Headers with lower-cased names, as API Gateway's payload 2.0 delivers them. */
export type Headers = Readonly<Record<string, string | undefined>>;

export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

export function isAuthConfigured(config: WebhookAuthConfig): boolean {
  return config.signingKeys.length + config.hubSecrets.length + config.bearerTokens.length > 0;
}

/** Decodes `whsec_<base64>` (the prefix is optional, as in the reference libraries). */
export function decodeSigningSecret(secret: string): Buffer | undefined {
  const base64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  const key = Buffer.from(base64, 'base64');
  return key.length >= 16 ? key : undefined;
}

export function authenticateWebhook(
  headers: Headers,
  body: Buffer,
  config: WebhookAuthConfig,
  now: Date,
): AuthResult {
  const reasons: string[] = [];
  if (config.signingKeys.length > 0 && headers['webhook-signature'] !== undefined) {
    const result = verifyStandardWebhook(headers, body, config.signingKeys, now);
    if (result.ok) return result;
    reasons.push(result.reason);
  }
  const hub = headers['x-hub-signature-256'];
  if (config.hubSecrets.length > 0 && hub !== undefined) {
    if (config.hubSecrets.some((secret) => verifyHubSignature(hub, body, secret)))
      return { ok: true, scheme: 'hub-signature' };
    reasons.push('x-hub-signature-256 does not match');
  }
  const authorization = headers.authorization;
  if (config.bearerTokens.length > 0 && authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (
      match?.[1] !== undefined &&
      config.bearerTokens.some((token) => sameSecret(match[1] as string, token))
    ) {
      return { ok: true, scheme: 'bearer' };
    }
    reasons.push('bearer token does not match');
  }
  return {
    ok: false,
    reason: reasons.length > 0 ? reasons.join('; ') : 'no credentials for a configured scheme',
  };
}

/** Standard Webhooks v1 (https://www.standardwebhooks.com): any listed v1 signature from any key. */
export function verifyStandardWebhook(
  headers: Headers,
  body: Buffer,
  keys: readonly Buffer[],
  now: Date,
): AuthResult {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (id === undefined || timestamp === undefined || signatures === undefined) {
    return { ok: false, reason: 'webhook-id, webhook-timestamp and webhook-signature are all required' };
  }
  if (!/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'webhook-timestamp is not a Unix time in seconds' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS) {
    return { ok: false, reason: 'webhook-timestamp is outside the 5-minute tolerance' };
  }
  const offered = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]);
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(content).digest();
    if (offered.some((sig) => sig.length === expected.length && timingSafeEqual(sig, expected))) {
      return { ok: true, scheme: 'standard-webhooks' };
    }
  }
  return { ok: false, reason: 'no webhook-signature matches' };
}

export function verifyHubSignature(header: string, body: Buffer, secret: string): boolean {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (match?.[1] === undefined) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(match[1], 'hex'), expected);
}

/** Compares digests, so neither the content nor the length of the secret leaks through timing. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
