import { describe, expect, it } from 'vitest';
import { loadWebhookConfig } from '../../functions/decision-webhook/config.ts';
import { authenticateWebhook } from '../../lib/auth/webhook.ts';
import { loadWebhookSecrets } from '../../lib/auth/webhook-secrets.ts';
import { ConfigError } from '../../lib/errors.ts';
import { PROJECT_ID } from '../helpers/factories.ts';
import { hubSignature, STANDARD_SECRET, standardWebhookHeaders } from '../helpers/webhook-signing.ts';

/** 40 characters with a comma and a space-free `#`, like a generated token. */
const TOKEN_WITH_COMMA = 'Xk9#mQ2v,a7Lp0zR4tW8yB3nC6eF1gH5jK2mN9qS';
const OTHER_TOKEN = 'Zr5tY8uI1oP4aS7dF0gH3jK6lZ9xC2vB5nM8qW1e';
const body = Buffer.from('{}');
const bearer = (env: Record<string, string>, token: string) =>
  authenticateWebhook({ authorization: `Bearer ${token}` }, body, loadWebhookSecrets(env).auth, new Date())
    .ok;

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no ConfigError thrown');
}

describe('loadWebhookSecrets', () => {
  it('takes a bearer token whole: a piece after a comma or space is not a token', () => {
    const env = { WEBHOOK_BEARER_TOKEN: TOKEN_WITH_COMMA };
    expect(bearer(env, TOKEN_WITH_COMMA)).toBe(true);
    expect(bearer(env, 'a7Lp0zR4tW8yB3nC6eF1gH5jK2mN9qS')).toBe(false);
    expect(bearer(env, 'Xk9#mQ2v')).toBe(false);
  });

  it('rotates through WEBHOOK_BEARER_TOKEN_PREVIOUS, both accepted while it is set', () => {
    const env = { WEBHOOK_BEARER_TOKEN: TOKEN_WITH_COMMA, WEBHOOK_BEARER_TOKEN_PREVIOUS: OTHER_TOKEN };
    expect(bearer(env, TOKEN_WITH_COMMA)).toBe(true);
    expect(bearer(env, OTHER_TOKEN)).toBe(true);
    expect(bearer({ WEBHOOK_BEARER_TOKEN: TOKEN_WITH_COMMA }, OTHER_TOKEN)).toBe(false);
  });

  it('refuses a short bearer token, or one with spaces, naming the variable and not the value', () => {
    const short = configError(() => loadWebhookSecrets({ WEBHOOK_BEARER_TOKEN: 'Xk9#mQ2v,a' }));
    expect(short.variable).toBe('WEBHOOK_BEARER_TOKEN');
    expect(short.message).toMatch(/at least 32 characters/);
    expect(short.message).not.toContain('Xk9#mQ2v,a');
    const previous = configError(() =>
      loadWebhookSecrets({ WEBHOOK_BEARER_TOKEN: TOKEN_WITH_COMMA, WEBHOOK_BEARER_TOKEN_PREVIOUS: 'short' }),
    );
    expect(previous.variable).toBe('WEBHOOK_BEARER_TOKEN_PREVIOUS');
    expect(
      configError(() => loadWebhookSecrets({ WEBHOOK_BEARER_TOKEN: `${TOKEN_WITH_COMMA} ${OTHER_TOKEN}` }))
        .variable,
    ).toBe('WEBHOOK_BEARER_TOKEN');
  });

  it('refuses a _PREVIOUS value without the current one', () => {
    expect(
      configError(() => loadWebhookSecrets({ WEBHOOK_BEARER_TOKEN_PREVIOUS: OTHER_TOKEN })).variable,
    ).toBe('WEBHOOK_BEARER_TOKEN_PREVIOUS');
  });

  it('takes a hub secret whole, commas and spaces included, with its _PREVIOUS for rotation', () => {
    const env = { WEBHOOK_HUB_SECRET: 'one, two', WEBHOOK_HUB_SECRET_PREVIOUS: 'old secret' };
    const { auth } = loadWebhookSecrets(env);
    const verifies = (s: string) =>
      authenticateWebhook({ 'x-hub-signature-256': hubSignature(body, s) }, body, auth, new Date()).ok;
    expect(verifies('one, two')).toBe(true);
    expect(verifies('old secret')).toBe(true);
    expect(verifies('one')).toBe(false);
    expect(verifies('two')).toBe(false);
  });

  it('keeps space-separated whsec_ values (base64 has no spaces or commas) and refuses one that is not base64', () => {
    const other = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
    const { auth } = loadWebhookSecrets({ WEBHOOK_SIGNING_SECRET: `${STANDARD_SECRET} ${other}` });
    expect(auth.signingKeys).toHaveLength(2);
    const signed = standardWebhookHeaders(body, { secret: other });
    expect(authenticateWebhook(signed, body, auth, new Date()).ok).toBe(true);
    const bad = configError(() => loadWebhookSecrets({ WEBHOOK_SIGNING_SECRET: 'whsec_not*base64!' }));
    expect(bad.variable).toBe('WEBHOOK_SIGNING_SECRET');
    expect(
      configError(() =>
        loadWebhookSecrets({ WEBHOOK_SIGNING_SECRET: STANDARD_SECRET, WEBHOOK_SIGNING_SECRET_PREVIOUS: 'x' }),
      ).variable,
    ).toBe('WEBHOOK_SIGNING_SECRET_PREVIOUS');
  });

  it('lists every value for the logger to mask', () => {
    const { values } = loadWebhookSecrets({
      WEBHOOK_BEARER_TOKEN: TOKEN_WITH_COMMA,
      WEBHOOK_BEARER_TOKEN_PREVIOUS: OTHER_TOKEN,
      WEBHOOK_HUB_SECRET: 'hub, secret',
    });
    expect(values).toEqual(expect.arrayContaining([TOKEN_WITH_COMMA, OTHER_TOKEN, 'hub, secret']));
  });
});

describe('the webhook function’s configuration', () => {
  it('stops at startup on a bearer token under 32 characters, naming the variable', () => {
    const error = configError(() =>
      loadWebhookConfig({
        HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID,
        DECISION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/decisions.fifo',
        OUTCOME_TOPIC_ARN: 'arn:aws:sns:eu-west-1:000000000000:outcomes',
        LEDGER_TABLE_NAME: 'vpcep-approval-dev-ledger',
        WEBHOOK_BEARER_TOKEN: 'Xk9#mQ2v,a',
      }),
    );
    expect(error.variable).toBe('WEBHOOK_BEARER_TOKEN');
  });
});
