/**
 * Deployed, secrets (the Huawei AK/SK, webhook and chat secrets) live in SSM Parameter Store as
 * SecureStrings under one path, e.g. `/vpcep-approval/prod/HUAWEICLOUD_SDK_SK`; each function reads only
 * the names of the variables it uses (its role may read no other). They are read at the first
 * invocation, again once their cache time has passed (a rotated secret needs no redeploy), and laid
 * over the environment so that configuration is parsed the same way everywhere. Locally and in
 * tests, plain variables work and no SSM client is ever loaded.
 */
import { ConfigError, UnavailableError } from './errors.ts';
import type { SsmParameterReader } from './secrets-ssm.ts';

export type Env = Record<string, string | undefined>;

/**
 * The variables that hold secrets: deployed, they live in SSM as SecureStrings (never in a parameter
 * or the template), `npm run setup` reads them without echo, and docs/configuration.md marks them.
 * Each function also cuts their values out of its logs (its config's `secrets`, tested against this).
 */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'HUAWEICLOUD_SDK_AK',
  'HUAWEICLOUD_SDK_SK',
  'HUAWEICLOUD_SDK_SECURITY_TOKEN',
  'HUAWEICLOUD_AUTH_TOKEN',
  'WEBHOOK_SIGNING_SECRET',
  'WEBHOOK_SIGNING_SECRET_PREVIOUS',
  'WEBHOOK_HUB_SECRET',
  'WEBHOOK_HUB_SECRET_PREVIOUS',
  'WEBHOOK_BEARER_TOKEN',
  'WEBHOOK_BEARER_TOKEN_PREVIOUS',
  'CHATOPS_SOURCE_SIGNING_KEY',
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'FEISHU_APP_SECRET',
  'FEISHU_ENCRYPT_KEY',
  'FEISHU_VERIFICATION_TOKEN',
  'JIRA_API_TOKEN',
  'JIRA_PAT',
  'SERVICENOW_PASSWORD',
  'SERVICENOW_CLIENT_SECRET',
  'DINGTALK_APP_SECRET',
  'DINGTALK_CARD_API_SECRET',
  'WECOM_CORP_SECRET',
  'WECOM_TOKEN',
  'WECOM_ENCODING_AES_KEY',
]);

/** How long a read secret is used before SSM is asked again, unless POWERTOOLS_PARAMETERS_MAX_AGE says. */
export const SECRETS_MAX_AGE_SECONDS = 300;

/**
 * The environment with the function's SSM parameters (`names`, each a variable it reads) laid over it.
 * SSM denied, unreachable or too slow is an UnavailableError (the function answers 503); a malformed
 * path is a ConfigError.
 */
export async function withSecrets(
  env: Env,
  names: readonly string[],
  read: SsmParameterReader,
): Promise<Env> {
  const path = env.SECRETS_SSM_PATH;
  if (path === undefined || path === '') return env;
  if (!path.startsWith('/')) throw new ConfigError('SECRETS_SSM_PATH', 'must be an SSM path starting with /');
  const prefix = path.endsWith('/') ? path : `${path}/`;
  let parameters: Array<{ name: string; value: string }>;
  try {
    parameters = await read(prefix, names);
  } catch (error) {
    throw new UnavailableError('the secrets could not be read; retry later', { cause: error });
  }
  const wanted = new Set(names);
  const overlay: Env = {};
  for (const { name, value } of parameters) {
    const variable = name.slice(name.lastIndexOf('/') + 1);
    if (wanted.has(variable)) overlay[variable] = value;
  }
  return { ...env, ...overlay };
}

/** Whole seconds from POWERTOOLS_PARAMETERS_MAX_AGE (its name kept from the Powertools reader), else 300. */
function maxAgeFrom(env: Env): number {
  const value = env.POWERTOOLS_PARAMETERS_MAX_AGE?.trim();
  if (value === undefined || value === '') return SECRETS_MAX_AGE_SECONDS;
  if (!/^\d{1,6}$/.test(value))
    throw new ConfigError('POWERTOOLS_PARAMETERS_MAX_AGE', 'must be a whole number of seconds');
  return Number(value);
}

/**
 * The environment with the function's SSM parameters, as of now: each call lays them over `env`, read
 * through a cache of its own (SECRETS_MAX_AGE_SECONDS, or POWERTOOLS_PARAMETERS_MAX_AGE when set).
 */
export function secretsSource(env: Env, names: readonly string[]): () => Promise<Env> {
  // The SSM client is loaded only when a path is configured and first read.
  let loaded: Promise<SsmParameterReader> | undefined;
  const read: SsmParameterReader = async (path, wanted) => {
    loaded ??= import('./secrets-ssm.ts').then((m) => m.ssmParameterReader(maxAgeFrom(env)));
    return (await loaded)(path, wanted);
  };
  return () => withSecrets(env, names, read);
}
