import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRET_VARIABLES } from '../../lib/secrets.ts';
import { parameterCatalog, ROOT, ssmParameters, variableCatalog } from '../../scripts/config-catalog.ts';
import { PARAMETER_DESCRIPTIONS, VARIABLE_DESCRIPTIONS } from '../../scripts/config-descriptions.ts';
import {
  CONFIGURATION_PAGE,
  configurationPage,
  SSM_PARAMETERS_FILE,
} from '../../scripts/generate-config-docs.ts';

describe('docs/configuration.md', () => {
  it('is current (run npm run docs)', () => {
    expect(readFileSync(join(ROOT, CONFIGURATION_PAGE), 'utf8')).toBe(configurationPage());
  });

  it("comes with deploy/ssm-parameters.json, each function's variables: what its role may read", () => {
    expect(JSON.parse(readFileSync(join(ROOT, SSM_PARAMETERS_FILE), 'utf8'))).toEqual(ssmParameters());
  });

  it('describes every variable and parameter the code has, and nothing it no longer has', () => {
    expect(Object.keys(VARIABLE_DESCRIPTIONS).sort()).toEqual(
      variableCatalog()
        .map((v) => v.name)
        .sort(),
    );
    expect(Object.keys(PARAMETER_DESCRIPTIONS).sort()).toEqual(
      parameterCatalog()
        .map((p) => p.name)
        .sort(),
    );
  });

  it('reads the defaults, required flags and readers from the schemas and serverless.yml', () => {
    const variables = new Map(variableCatalog().map((v) => [v.name, v]));
    expect(variables.get('VPCEP_APPROVAL_CONCURRENCY')).toMatchObject({ default: '16', requiredBy: [] });
    expect(variables.get('LEDGER_TABLE_NAME')?.requiredBy).toContain('decisionWorker');
    expect(variables.get('HUAWEICLOUD_SDK_SK')).toMatchObject({
      secret: true,
      deployed: undefined,
      functions: [
        'decisionWebhook',
        'decisionWorker',
        'chatopsSlack',
        'chatopsFeishu',
        'chatopsDingtalk',
        'chatopsWecom',
        'approvalSweeper',
      ],
    });
    // The notifiers never read the Huawei keys; the Slack function reads its allowlist (from SSM).
    expect(variables.get('HUAWEICLOUD_SDK_SK')?.functions).not.toContain('outcomeNotifier');
    expect(variables.get('SLACK_ALLOWED_USERS')?.functions).toEqual(['chatopsSlack']);
    expect(variables.get('HUAWEICLOUD_REGION')?.deployed).toEqual({ parameter: 'huaweiRegion' });

    const parameters = new Map(parameterCatalog().map((p) => [p.name, p]));
    expect(parameters.get('workerMaxConcurrency')).toMatchObject({ required: false, default: '2' });
    // No silent region: it is required, with no default.
    expect(parameters.get('huaweiRegion')).toMatchObject({ required: true, default: undefined });
    expect(parameters.get('sweepSchedule')?.default).toBe('rate(5 minutes)');
  });
});

describe('the secret variables (lib/secrets.ts)', () => {
  it('are each read by some function, and have no default', () => {
    const variables = new Map(variableCatalog().map((v) => [v.name, v]));
    for (const name of SECRET_VARIABLES) {
      expect(variables.get(name)?.functions.length, name).toBeGreaterThan(0);
      expect(variables.get(name)?.default, name).toBeUndefined();
    }
  });

  it('include every variable named like a secret', () => {
    const secretLike = /(SECRET|TOKEN|PASSWORD|_PAT|_SDK_AK|_SDK_SK|_KEY)(_PREVIOUS)?$/;
    // DingTalk's AppKey is the app's public client id (its secret is DINGTALK_APP_SECRET), and the
    // callback route key names a registered route: neither opens anything.
    const notSecret = new Set(['DINGTALK_APP_KEY', 'DINGTALK_CALLBACK_ROUTE_KEY']);
    const named = variableCatalog()
      .map((v) => v.name)
      .filter((name) => secretLike.test(name) && !notSecret.has(name));
    expect(named.length).toBeGreaterThan(10);
    for (const name of named) expect(SECRET_VARIABLES.has(name), name).toBe(true);
  });
});
