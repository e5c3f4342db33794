/**
 * Deployed, secrets (the Huawei AK/SK, webhook and chat secrets) live in SSM Parameter Store as
 * SecureStrings under one path, e.g. `/vpcep-approval/prod/HUAWEICLOUD_SDK_SK`. They are fetched once
 * per container, at the first invocation, and laid over the environment so that configuration is
 * parsed by the same loadConfig as everywhere else. Locally and in tests, plain variables work and no
 * SSM client is ever loaded.
 */
import { ConfigError } from './errors.ts';

export type Env = Record<string, string | undefined>;

/** Only names that could be environment variables are taken from the path. */
const VARIABLE = /^[A-Z][A-Z0-9_]*$/;

export type SsmFetcher = (path: string) => Promise<Array<{ name: string; value: string }>>;

export async function withSecrets(env: Env, fetchPath: SsmFetcher = fetchSsmPath): Promise<Env> {
  const path = env.SECRETS_SSM_PATH;
  if (path === undefined || path === '') return env;
  if (!path.startsWith('/')) throw new ConfigError('SECRETS_SSM_PATH', 'must be an SSM path starting with /');
  const parameters = await fetchPath(path.endsWith('/') ? path : `${path}/`);
  const overlay: Env = {};
  for (const { name, value } of parameters) {
    const variable = name.slice(name.lastIndexOf('/') + 1);
    if (VARIABLE.test(variable)) overlay[variable] = value;
  }
  return { ...env, ...overlay };
}

/** Loads the SSM client only when a path is configured. */
async function fetchSsmPath(path: string): Promise<Array<{ name: string; value: string }>> {
  const { getParametersByPath } = await import('./secrets-ssm.ts');
  return getParametersByPath(path);
}
