/**
 * Webhook authentication over the raw body bytes. Three schemes, any configured one may accept:
 * Standard Webhooks v1 (standard-webhooks.ts), `X-Hub-Signature-256` (hub-signature.ts) and a static
 * bearer token (bearer.ts).
 */
import { verifyBearer } from './bearer.ts';
import { verifyHubSignature } from './hub-signature.ts';
import { verifyStandardWebhook } from './standard-webhooks.ts';
import type { Headers } from './types.ts';

export type WebhookAuthConfig = {
  /** Standard Webhooks keys, already decoded from `whsec_<base64>`. */
  signingKeys: readonly Buffer[];
  hubSecrets: readonly string[];
  bearerTokens: readonly string[];
};

export type AuthScheme = 'standard-webhooks' | 'hub-signature' | 'bearer';

export type AuthResult = { ok: true; scheme: AuthScheme } | { ok: false; reason: string };

export function isAuthConfigured(config: WebhookAuthConfig): boolean {
  return config.signingKeys.length + config.hubSecrets.length + config.bearerTokens.length > 0;
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
    if (result.ok) return { ok: true, scheme: 'standard-webhooks' };
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
    if (verifyBearer(authorization, config.bearerTokens)) return { ok: true, scheme: 'bearer' };
    reasons.push('bearer token does not match');
  }
  return {
    ok: false,
    reason: reasons.length > 0 ? reasons.join('; ') : 'no credentials for a configured scheme',
  };
}
