/**
 * serverless.yml fails closed: the parameters a deployed stack needs are refused by name when missing.
 * The refusals come from resolving the configuration, before any packaging, so no bundle is needed.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paramArgs } from '../../scripts/package.ts';
import { DEPLOY_PARAMS, ROOT, run, serverlessPackage } from '../helpers/packaging.ts';

const without = (name: string) =>
  Object.fromEntries(Object.entries(DEPLOY_PARAMS).filter(([k]) => k !== name));
const fresh = () => mkdtemp(join(tmpdir(), 'vpcep-params-'));

describe('serverless package refuses a stack without its required parameters', () => {
  it.each(['huaweiRegion', 'huaweiProjectId', 'alarmTopicArn', 'allowedTargets', 'watchTargets'])(
    'names %s when it is not given',
    async (name) => {
      const result = await serverlessPackage(await fresh(), without(name));

      expect(result.code).not.toBe(0);
      const output = `${result.stdout}${result.stderr}`;
      expect(output).toContain(`parameter ${name} is required: pass --param="${name}=`);
      // Only the missing one is reported.
      for (const other of Object.keys(DEPLOY_PARAMS).filter((k) => k !== name))
        expect(output).not.toContain(`parameter ${other} `);
    },
  );

  it('refuses an empty allowedTargets and a malformed entry, and takes * as every target', async () => {
    const empty = await serverlessPackage(await fresh(), { ...DEPLOY_PARAMS, allowedTargets: ' ' });
    expect(empty.code).not.toBe(0);
    expect(`${empty.stdout}${empty.stderr}`).toContain('parameter allowedTargets is required');

    const typo = await serverlessPackage(await fresh(), { ...DEPLOY_PARAMS, allowedTargets: 'vpcep:nope' });
    expect(typo.code).not.toBe(0);
    expect(`${typo.stdout}${typo.stderr}`).toContain('parameter allowedTargets must be * (every target)');

    // `serverless print` resolves the configuration as package does, without needing the bundles.
    const all = await run(process.execPath, [
      join(ROOT, 'node_modules/osls/bin/serverless.js'),
      'print',
      '--format',
      'json',
      ...paramArgs({ ...DEPLOY_PARAMS, allowedTargets: '*' }),
    ]);
    expect(all.code, all.stderr).toBe(0);
    expect(JSON.parse(all.stdout).provider.environment).toMatchObject({
      VPCEP_APPROVAL_ALLOWED_TARGETS: '*',
      HUAWEICLOUD_SDK_PROJECT_ID: DEPLOY_PARAMS.huaweiProjectId,
    });
  });

  it('refuses a project ID that is not 32 hex digits and an alarm topic that is not an SNS ARN', async () => {
    const result = await serverlessPackage(await fresh(), {
      ...DEPLOY_PARAMS,
      huaweiProjectId: 'my-project',
      alarmTopicArn: 'on-call',
    });
    expect(result.code).not.toBe(0);
    const output = `${result.stdout}${result.stderr}`;
    expect(output).toContain('parameter huaweiProjectId must be a Huawei Cloud project ID');
    expect(output).toContain('parameter alarmTopicArn must be an SNS topic ARN');
  });

  it('refuses * and a malformed entry in watchTargets: the sweeper reads a list of targets', async () => {
    for (const watchTargets of ['*', 'vpcep:nope']) {
      const result = await serverlessPackage(await fresh(), { ...DEPLOY_PARAMS, watchTargets });
      expect(result.code).not.toBe(0);
      expect(`${result.stdout}${result.stderr}`).toContain(
        `parameter watchTargets must be a comma-separated list of vpcep:<serviceId> and apig:<instanceId> (the targets to sweep; * is not allowed); "${watchTargets}" is neither`,
      );
    }
  });

  it('takes an estate instead of both target lists: its stage gets neither variable, and refuses them beside it', async () => {
    const estate = JSON.stringify({
      accounts: {
        hub: {
          domainId: '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a',
          regions: { 'cn-north-4': { targets: ['vpcep:*'] } },
        },
      },
    });
    const { allowedTargets: _a, watchTargets: _w, ...rest } = DEPLOY_PARAMS;
    const printed = await run(process.execPath, [
      join(ROOT, 'node_modules/osls/bin/serverless.js'),
      'print',
      '--format',
      'json',
      ...paramArgs({ ...rest, estate }),
    ]);
    expect(printed.code, printed.stderr).toBe(0);
    const service = JSON.parse(printed.stdout);
    const noValue = { Ref: 'AWS::NoValue' };
    expect(service.provider.environment).toMatchObject({
      VPCEP_APPROVAL_ESTATE: estate,
      VPCEP_APPROVAL_ALLOWED_TARGETS: noValue,
    });
    expect(service.functions.approvalSweeper.environment.VPCEP_APPROVAL_WATCH_TARGETS).toEqual(noValue);

    const both = await serverlessPackage(await fresh(), { ...DEPLOY_PARAMS, estate });
    expect(both.code).not.toBe(0);
    const output = `${both.stdout}${both.stderr}`;
    expect(output).toContain('parameter allowedTargets must not be set with estate');
    expect(output).toContain('parameter watchTargets must not be set with estate');

    const typo = await serverlessPackage(await fresh(), { ...rest, estate: '{accounts' });
    expect(`${typo.stdout}${typo.stderr}`).toContain('parameter estate must be JSON');
  }, 90_000);
});
