/**
 * `npm run setup` as an operator runs it: a child process, its answers on stdin or in its environment,
 * SSM a real HTTP server on 127.0.0.1 speaking the JSON protocol (PutParameter), and the stage's file
 * read back by `serverless print`, which resolves the parameters exactly as `package` and `deploy` do.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parameterQuestions, ssmQuestions } from '../../scripts/setup/plan.ts';
import { type CaptureAnswer, startCaptureServer } from '../helpers/capture-server.ts';
import { ROOT, run } from '../helpers/packaging.ts';

const SK = 'Sk-fixture-0f5c2b9e-secret-never-printed-7d1a';
const AK = 'AKFIXTURE7Q2W9E4R6T1Y';
const BEARER = 'bearer-token-fixture-3e8c1a7b5d9f2e4a6c0b';
const SOURCE_KEY = 'chatops-source-key-fixture-b51d0e9a2c7f4';
const SERVICE = 'vpcep:4189d3c2-8882-4871-a3c2-d380272eed88';
const PARAMS_ENV = {
  HUAWEI_REGION: 'ap-southeast-3',
  HUAWEI_PROJECT_ID: '0504201b6c80256b2f01c0074ea4d3f8',
  ALARM_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:on-call',
  ALLOWED_TARGETS: SERVICE,
  WATCH_TARGETS: SERVICE,
  WORKER_MAX_CONCURRENCY: '3',
};

const stages: string[] = [];
const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});
afterAll(() => {
  for (const stage of stages) rmSync(join(ROOT, 'deploy', 'stages', `${stage}.json`), { force: true });
});

function newStage(): string {
  const stage = `setup-test-${randomUUID().slice(0, 8)}`;
  stages.push(stage);
  return stage;
}

async function ssmStandIn() {
  const ssm = await startCaptureServer(
    (): CaptureAnswer => ({
      status: 200,
      body: JSON.stringify({ Version: 1, Tier: 'Standard' }),
      contentType: 'application/x-amz-json-1.1',
    }),
  );
  servers.push(ssm);
  return ssm;
}

function setup(args: string[], env: Record<string, string>, ssmUrl: string, input = '') {
  return run(process.execPath, [join(ROOT, 'scripts/setup.ts'), ...args], {
    input,
    env: {
      PATH: process.env.PATH,
      AWS_ENDPOINT_URL_SSM: ssmUrl,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'local',
      ...env,
    },
  });
}

type Put = { Name: string; Value: string; Type: string; Overwrite: boolean };
const puts = (ssm: { captured: Array<{ headers: Record<string, unknown>; body: unknown }> }) =>
  ssm.captured.map((r) => {
    expect(r.headers['x-amz-target']).toBe('AmazonSSM.PutParameter');
    return r.body as Put;
  });

describe('npm run setup -- --from-env', () => {
  it('puts the secrets as SecureStrings, writes the stage file serverless reads, and prints no value', async () => {
    const ssm = await ssmStandIn();
    const stage = newStage();
    const result = await setup(
      ['--stage', stage, '--region', 'eu-central-1', '--from-env'],
      {
        ...PARAMS_ENV,
        HUAWEICLOUD_SDK_AK: AK,
        HUAWEICLOUD_SDK_SK: SK,
        WEBHOOK_BEARER_TOKEN: BEARER,
        CHATOPS_SOURCE_SIGNING_KEY: SOURCE_KEY,
        SLACK_ALLOWED_USERS: 'U012ABCDEF',
      },
      ssm.url,
    );

    expect(result.code, result.stderr).toBe(0);
    expect(puts(ssm)).toEqual(
      expect.arrayContaining([
        {
          Name: `/vpcep-approval/${stage}/HUAWEICLOUD_SDK_SK`,
          Value: SK,
          Type: 'SecureString',
          Overwrite: true,
        },
        {
          Name: `/vpcep-approval/${stage}/HUAWEICLOUD_SDK_AK`,
          Value: AK,
          Type: 'SecureString',
          Overwrite: true,
        },
        expect.objectContaining({
          Name: `/vpcep-approval/${stage}/WEBHOOK_BEARER_TOKEN`,
          Type: 'SecureString',
        }),
        expect.objectContaining({ Name: `/vpcep-approval/${stage}/SLACK_ALLOWED_USERS`, Type: 'String' }),
      ]),
    );
    expect(puts(ssm)).toHaveLength(5);
    // The region the stack deploys to is the one SSM was asked in (SigV4 scope).
    expect(String(ssm.captured[0]?.headers.authorization)).toContain('/eu-central-1/ssm/');
    const output = `${result.stdout}${result.stderr}`;
    for (const secret of [SK, AK, BEARER, SOURCE_KEY]) expect(output).not.toContain(secret);
    expect(result.stdout).toContain(`npm run deploy -- --stage ${stage} --region eu-central-1`);

    const file = JSON.parse(readFileSync(join(ROOT, 'deploy', 'stages', `${stage}.json`), 'utf8'));
    expect(file).toEqual({
      huaweiRegion: 'ap-southeast-3',
      huaweiProjectId: PARAMS_ENV.HUAWEI_PROJECT_ID,
      allowedTargets: SERVICE,
      alarmTopicArn: PARAMS_ENV.ALARM_TOPIC_ARN,
      watchTargets: SERVICE,
      workerMaxConcurrency: '3',
    });
    expect(JSON.stringify(file)).not.toContain(SK);

    // serverless resolves that stage from the file alone, with no --param, as package and deploy do.
    const printed = await run(process.execPath, [
      join(ROOT, 'node_modules/osls/bin/serverless.js'),
      'print',
      '--format',
      'json',
      '--stage',
      stage,
    ]);
    expect(printed.code, printed.stderr).toBe(0);
    const config = JSON.parse(printed.stdout);
    expect(config.provider.environment).toMatchObject({
      HUAWEICLOUD_REGION: 'ap-southeast-3',
      SECRETS_SSM_PATH: `/vpcep-approval/${stage}/`,
    });
    expect(config.functions.decisionWorker.events[0].sqs.maximumConcurrency).toBe(3);
  }, 60_000);

  it('refuses bad and missing values, naming each, and writes nothing anywhere', async () => {
    const ssm = await ssmStandIn();
    const stage = newStage();
    const { HUAWEI_PROJECT_ID: _, ...withoutProject } = PARAMS_ENV;
    const result = await setup(
      ['--stage', stage, '--from-env'],
      {
        ...withoutProject,
        HUAWEICLOUD_SDK_AK: AK,
        HUAWEICLOUD_SDK_SK: SK,
        // Too short for a bearer token, and a Slack token that is not one.
        WEBHOOK_BEARER_TOKEN: 'short-secret-never-printed',
        SLACK_BOT_TOKEN: 'not-a-slack-token-secret-value',
        WORKER_MAX_CONCURRENCY: 'two',
      },
      ssm.url,
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('parameter huaweiProjectId is required: set HUAWEI_PROJECT_ID');
    expect(result.stderr).toContain('SLACK_BOT_TOKEN: must be a Slack bot token');
    expect(result.stderr).toContain(
      'parameter workerMaxConcurrency must be a whole number (WORKER_MAX_CONCURRENCY)',
    );
    expect(ssm.captured).toEqual([]);
    expect(existsSync(join(ROOT, 'deploy', 'stages', `${stage}.json`))).toBe(false);
    const output = `${result.stdout}${result.stderr}`;
    for (const secret of [SK, AK, 'short-secret-never-printed', 'not-a-slack-token-secret-value'])
      expect(output).not.toContain(secret);
  }, 60_000);

  it("checks the stage as the functions will load it: a bearer token too short for the webhook's rule", async () => {
    const ssm = await ssmStandIn();
    const stage = newStage();
    const result = await setup(
      ['--stage', stage, '--from-env'],
      {
        ...PARAMS_ENV,
        HUAWEICLOUD_SDK_AK: AK,
        HUAWEICLOUD_SDK_SK: SK,
        WEBHOOK_BEARER_TOKEN: 'short-secret-1',
      },
      ssm.url,
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/decisionWebhook: WEBHOOK_BEARER_TOKEN: must be at least 32 characters/);
    expect(`${result.stdout}${result.stderr}`).not.toContain('short-secret-1');
    expect(ssm.captured).toEqual([]);
  }, 60_000);
});

describe('npm run setup (asking)', () => {
  it('asks for the required parameters, then each secret without printing it, asking again after a bad answer', async () => {
    const ssm = await ssmStandIn();
    const stage = newStage();
    const secrets = [
      'CHATOPS_SOURCE_SIGNING_KEY',
      'HUAWEICLOUD_SDK_AK',
      'HUAWEICLOUD_SDK_SK',
      'WEBHOOK_BEARER_TOKEN',
    ];
    const answers: Record<string, string[]> = {
      huaweiRegion: ['cn-north-4'],
      // A bad project ID first: asked again.
      huaweiProjectId: ['not-a-project', PARAMS_ENV.HUAWEI_PROJECT_ID],
      alarmTopicArn: [PARAMS_ENV.ALARM_TOPIC_ARN],
      watchTargets: [SERVICE],
      allowedTargets: [SERVICE],
      HUAWEICLOUD_SDK_AK: [AK],
      HUAWEICLOUD_SDK_SK: [SK],
      WEBHOOK_BEARER_TOKEN: [BEARER],
      CHATOPS_SOURCE_SIGNING_KEY: [SOURCE_KEY],
    };
    // Answered in the order setup asks: the required parameters, then the SSM values (Enter skips).
    expect(parameterQuestions().map((q) => q.name)).toEqual(Object.keys(answers).slice(0, 5));
    const lines = [...parameterQuestions(), ...ssmQuestions()].flatMap((q) => answers[q.name] ?? ['']);
    const input = `${lines.join('\n')}\n`;

    const result = await setup(['--stage', stage], {}, ssm.url, input);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('huaweiProjectId must be a Huawei Cloud project ID (32 hex digits)');
    expect(result.stderr).toContain('HUAWEICLOUD_SDK_SK (');
    expect(
      puts(ssm)
        .map((p) => p.Name.split('/').at(-1))
        .sort(),
    ).toEqual(secrets);
    for (const put of puts(ssm)) expect(put.Type).toBe('SecureString');
    const output = `${result.stdout}${result.stderr}`;
    for (const secret of [SK, AK, BEARER, SOURCE_KEY]) expect(output).not.toContain(secret);
  }, 60_000);
});
