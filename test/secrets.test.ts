import { describe, expect, it } from 'vitest';
import { ConfigError } from '../lib/errors.ts';
import { withSecrets } from '../lib/secrets.ts';

describe('withSecrets', () => {
  it('leaves the environment alone, and fetches nothing, when no SSM path is set', async () => {
    let fetched = 0;
    const env = { A: '1' };
    expect(
      await withSecrets(env, ['A'], async () => {
        fetched += 1;
        return [];
      }),
    ).toBe(env);
    expect(fetched).toBe(0);
  });

  it("asks for the function's names under the path and lays them over the environment, nothing else", async () => {
    const asked: Array<{ path: string; names: readonly string[] }> = [];
    const env = await withSecrets(
      { SECRETS_SSM_PATH: '/vpcep-approval/prod', HUAWEICLOUD_SDK_SK: 'old', KEEP: 'x' },
      ['HUAWEICLOUD_SDK_SK', 'WEBHOOK_BEARER_TOKEN'],
      async (path, names) => {
        asked.push({ path, names });
        return [
          { name: '/vpcep-approval/prod/HUAWEICLOUD_SDK_SK', value: 'from-ssm' },
          { name: '/vpcep-approval/prod/WEBHOOK_BEARER_TOKEN', value: 'token' },
          // Not asked for: a reader that returned more must not widen what the function sees.
          { name: '/vpcep-approval/prod/SLACK_BOT_TOKEN', value: 'not-mine' },
        ];
      },
    );
    expect(asked).toEqual([
      { path: '/vpcep-approval/prod/', names: ['HUAWEICLOUD_SDK_SK', 'WEBHOOK_BEARER_TOKEN'] },
    ]);
    expect(env).toMatchObject({ HUAWEICLOUD_SDK_SK: 'from-ssm', WEBHOOK_BEARER_TOKEN: 'token', KEEP: 'x' });
    expect(env).not.toHaveProperty('SLACK_BOT_TOKEN');
  });

  it('names SECRETS_SSM_PATH when it is not a path', async () => {
    await expect(
      withSecrets({ SECRETS_SSM_PATH: 'vpcep-approval/prod' }, ['A'], async () => []),
    ).rejects.toThrow(ConfigError);
    await expect(
      withSecrets({ SECRETS_SSM_PATH: 'vpcep-approval/prod' }, ['A'], async () => []),
    ).rejects.toThrow(/SECRETS_SSM_PATH/);
  });
});
