import { describe, expect, it } from 'vitest';
import { loadConfig, requireCredentials } from '../lib/config.ts';
import { ConfigError } from '../lib/errors.ts';
import { INSTANCE_ID, SERVICE_ID } from './helpers/factories.ts';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has working defaults with an empty environment and no credentials', () => {
    const config = loadConfig({});
    expect(config.huawei.credentials).toBeUndefined();
    expect(config.allowedTargets).toBeUndefined();
    expect(config.execution).toMatchObject({ concurrency: 16, maxAttempts: 4, requestTimeoutMs: 5000 });
  });

  it('fails closed when a call needs credentials and none are configured', () => {
    expect(() => requireCredentials(loadConfig({}).huawei)).toThrow(/HUAWEICLOUD_SDK_AK/);
  });

  it('lets AK/SK win over a token, and says so', () => {
    const config = loadConfig({
      HUAWEICLOUD_SDK_AK: 'ak',
      HUAWEICLOUD_SDK_SK: 'sk',
      HUAWEICLOUD_AUTH_TOKEN: 'tok',
    });
    expect(config.huawei.credentials).toEqual({ kind: 'aksk', ak: 'ak', sk: 'sk' });
    expect(config.notices.join()).toMatch(/AK\/SK/);
  });

  it('uses the IAM token alone when no AK/SK is set, and carries a security token with AK/SK', () => {
    expect(loadConfig({ HUAWEICLOUD_AUTH_TOKEN: 'tok' }).huawei.credentials).toEqual({
      kind: 'token',
      token: 'tok',
    });
    const temp = loadConfig({
      HUAWEICLOUD_SDK_AK: 'a',
      HUAWEICLOUD_SDK_SK: 's',
      HUAWEICLOUD_SDK_SECURITY_TOKEN: 't',
    });
    expect(temp.huawei.credentials).toEqual({ kind: 'aksk', ak: 'a', sk: 's', securityToken: 't' });
  });

  it.each([
    [{ HUAWEICLOUD_SDK_AK: 'ak' }, 'HUAWEICLOUD_SDK_SK'],
    [{ HUAWEICLOUD_SDK_SK: 'sk' }, 'HUAWEICLOUD_SDK_AK'],
    [{ HUAWEICLOUD_SDK_SECURITY_TOKEN: 't' }, 'HUAWEICLOUD_SDK_AK'],
    [{ HUAWEICLOUD_SDK_PROJECT_ID: 'nope' }, 'HUAWEICLOUD_SDK_PROJECT_ID'],
    [{ HUAWEICLOUD_REGION: 'Not A Region' }, 'HUAWEICLOUD_REGION'],
    [{ HUAWEICLOUD_VPCEP_ENDPOINT: 'ftp://x' }, 'HUAWEICLOUD_VPCEP_ENDPOINT'],
    [{ VPCEP_APPROVAL_CONCURRENCY: '0' }, 'VPCEP_APPROVAL_CONCURRENCY'],
    [{ VPCEP_APPROVAL_MAX_ATTEMPTS: 'three' }, 'VPCEP_APPROVAL_MAX_ATTEMPTS'],
    [{ VPCEP_APPROVAL_ALLOWED_TARGETS: 'vpcep:abc' }, 'VPCEP_APPROVAL_ALLOWED_TARGETS'],
    // `*` means every target only on its own; inside a list it is a mistake, not a wildcard.
    [{ VPCEP_APPROVAL_ALLOWED_TARGETS: `vpcep:${SERVICE_ID},*` }, 'VPCEP_APPROVAL_ALLOWED_TARGETS'],
    [
      { VPCEP_APPROVAL_BACKOFF_BASE_MS: '500', VPCEP_APPROVAL_BACKOFF_MAX_MS: '100' },
      'VPCEP_APPROVAL_BACKOFF_MAX_MS',
    ],
  ])('names the variable at fault (%o)', (env, variable) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
  });

  it('treats empty values as unset', () => {
    expect(
      loadConfig({ HUAWEICLOUD_SDK_AK: '', HUAWEICLOUD_SDK_SK: ' ' }).huawei.credentials,
    ).toBeUndefined();
  });

  it('normalizes the allowlist and ignores blank entries', () => {
    const config = loadConfig({
      VPCEP_APPROVAL_ALLOWED_TARGETS: ` vpcep:${SERVICE_ID.toUpperCase()} ,, apig:${INSTANCE_ID}`,
    });
    expect([...(config.allowedTargets ?? [])]).toEqual([`vpcep:${SERVICE_ID}`, `apig:${INSTANCE_ID}`]);
  });

  it.each([
    ['VPCEP_APPROVAL_CONCURRENCY', 'abc', 'must be an integer from 1 to 64'],
    ['VPCEP_APPROVAL_CONCURRENCY', '65', 'must be an integer from 1 to 64'],
    ['VPCEP_APPROVAL_MAX_ATTEMPTS', '2.5', 'must be an integer from 1 to 10'],
    ['VPCEP_APPROVAL_REQUEST_TIMEOUT_MS', '-1', 'must be an integer from 100 to 60000'],
    ['VPCEP_APPROVAL_SETTLE_TIMEOUT_MS', '1e3', 'must be an integer from 0 to 600000'],
    ['VPCEP_APPROVAL_LOG_LEVEL', 'loud', 'must be one of debug, info, warn, error'],
    ['VPCEP_APPROVAL_HTTP_CLIENT', 'curl', 'must be one of undici, node'],
  ])('says what %s expects when given %o', (variable, value, expected) => {
    const error = configError({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).toBe(`${variable}: ${expected}`);
  });

  it('names every bad variable at once, the first as the one at fault', () => {
    const error = configError({ VPCEP_APPROVAL_CONCURRENCY: 'abc', VPCEP_APPROVAL_MAX_ATTEMPTS: '0' });
    expect(error.variable).toBe('VPCEP_APPROVAL_CONCURRENCY');
    expect(error.message).toContain('VPCEP_APPROVAL_MAX_ATTEMPTS: must be an integer from 1 to 10');
  });

  it('takes * as every target allowed, as an unset allowlist is', () => {
    expect(loadConfig({ VPCEP_APPROVAL_ALLOWED_TARGETS: ' * ' }).allowedTargets).toBeUndefined();
    expect(loadConfig({}).allowedTargets).toBeUndefined();
  });
});
