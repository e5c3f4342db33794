import { describe, expect, it } from 'vitest';
import { ConfigError } from '../lib/errors.ts';
import { withSecrets } from '../lib/secrets.ts';

describe('withSecrets', () => {
  it('leaves the environment alone, and fetches nothing, when no SSM path is set', async () => {
    let fetched = 0;
    const env = { A: '1' };
    expect(
      await withSecrets(env, async () => {
        fetched += 1;
        return [];
      }),
    ).toBe(env);
    expect(fetched).toBe(0);
  });

  it('lays the parameters under the path over the environment, by their last name segment', async () => {
    const asked: string[] = [];
    const env = await withSecrets(
      { SECRETS_SSM_PATH: '/vpcep-approval/prod', HUAWEICLOUD_SDK_SK: 'old', KEEP: 'x' },
      async (path) => {
        asked.push(path);
        return [
          { name: '/vpcep-approval/prod/HUAWEICLOUD_SDK_SK', value: 'from-ssm' },
          { name: '/vpcep-approval/prod/WEBHOOK_BEARER_TOKEN', value: 'token' },
          { name: '/vpcep-approval/prod/not-a-variable', value: 'ignored' },
        ];
      },
    );
    expect(asked).toEqual(['/vpcep-approval/prod/']);
    expect(env).toMatchObject({ HUAWEICLOUD_SDK_SK: 'from-ssm', WEBHOOK_BEARER_TOKEN: 'token', KEEP: 'x' });
    expect(env).not.toHaveProperty('not-a-variable');
  });

  it('names SECRETS_SSM_PATH when it is not a path', async () => {
    await expect(withSecrets({ SECRETS_SSM_PATH: 'vpcep-approval/prod' }, async () => [])).rejects.toThrow(
      ConfigError,
    );
    await expect(withSecrets({ SECRETS_SSM_PATH: 'vpcep-approval/prod' }, async () => [])).rejects.toThrow(
      /SECRETS_SSM_PATH/,
    );
  });
});
