/**
 * The webhook secrets from the environment, checked at startup so a weak or garbled value stops the
 * function with the variable's name instead of weakening it in silence.
 *
 * Each secret is a whole value: a comma or space is part of it, never a separator (a token
 * `Xk9#mQ2v,a` must not make `a` a token). Rotation goes through a second variable, `<NAME>_PREVIOUS`,
 * accepted alongside until the sender moves to the new value. The one exception is
 * `WEBHOOK_SIGNING_SECRET`: base64 has neither commas nor spaces, so a space-separated list of
 * `whsec_` values there is unambiguous, and stays accepted as documented.
 */
import * as z from 'zod/mini';
import { ConfigError } from '../errors.ts';
import { decodeSigningSecret } from './standard-webhooks.ts';
import type { WebhookAuthConfig } from './webhook.ts';

export const MIN_BEARER_TOKEN_LENGTH = 32;

const text = z.optional(z.string());

/**
 * The variables loadWebhookSecrets reads, as a schema shape for the configuration reference and the
 * function's SSM parameters; their values are checked by loadWebhookSecrets itself.
 */
export const WebhookSecretEnv = {
  WEBHOOK_SIGNING_SECRET: text,
  WEBHOOK_SIGNING_SECRET_PREVIOUS: text,
  WEBHOOK_HUB_SECRET: text,
  WEBHOOK_HUB_SECRET_PREVIOUS: text,
  WEBHOOK_BEARER_TOKEN: text,
  WEBHOOK_BEARER_TOKEN_PREVIOUS: text,
};

export type WebhookSecrets = {
  auth: WebhookAuthConfig;
  /** Every configured secret value, for the logger to cut out of any line. */
  values: string[];
};

type Env = Readonly<Record<string, string | undefined>>;

/** The variable and its `_PREVIOUS`, trimmed, unset or empty left out; `_PREVIOUS` alone is refused. */
function withPrevious(env: Env, variable: string): Array<{ variable: string; value: string }> {
  const current = env[variable]?.trim() || undefined;
  const previousName = `${variable}_PREVIOUS`;
  const previous = env[previousName]?.trim() || undefined;
  if (previous !== undefined && current === undefined)
    throw new ConfigError(previousName, `set only alongside ${variable}, while rotating it`);
  return [
    ...(current === undefined ? [] : [{ variable, value: current }]),
    ...(previous === undefined ? [] : [{ variable: previousName, value: previous }]),
  ];
}

function bearerToken({ variable, value }: { variable: string; value: string }): string {
  if (/\s/.test(value))
    throw new ConfigError(
      variable,
      'must be one token without spaces: an Authorization header cannot carry one',
    );
  if (value.length < MIN_BEARER_TOKEN_LENGTH)
    throw new ConfigError(
      variable,
      `must be at least ${MIN_BEARER_TOKEN_LENGTH} characters (it is ${value.length}); generate one with openssl rand -base64 32`,
    );
  return value;
}

export function loadWebhookSecrets(env: Env): WebhookSecrets {
  const signing = withPrevious(env, 'WEBHOOK_SIGNING_SECRET').flatMap(({ variable, value }) =>
    value.split(/[\s,]+/).map((secret) => ({ variable, secret })),
  );
  const signingKeys = signing.map(({ variable, secret }) => {
    const key = decodeSigningSecret(secret);
    if (key === undefined) throw new ConfigError(variable, 'must be whsec_<base64 of at least 16 bytes>');
    return key;
  });
  const hubSecrets = withPrevious(env, 'WEBHOOK_HUB_SECRET').map((s) => s.value);
  const bearerTokens = withPrevious(env, 'WEBHOOK_BEARER_TOKEN').map(bearerToken);
  return {
    auth: { signingKeys, hubSecrets, bearerTokens },
    values: [...signing.map((s) => s.secret), ...hubSecrets, ...bearerTokens],
  };
}
