/**
 * The CLI's `decide` against a deployment whose rules document lives in SSM (serverless.yml: "the
 * rules document may instead live in SSM under the stage's path as VPCEP_APPROVAL_RULES"), as the
 * functions read it. An operator who runs `decide` with the deployment's SSM path must meet the same
 * authority: without approvals and without --break-glass, nothing is accepted on a target that asks
 * two people. Against the simulator, dynalite and an SSM stand-in.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCaptureServer } from '../helpers/capture-server.ts';
import { runCliWith } from '../helpers/cli.ts';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { aDecision, ENDPOINT_ID, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const RULES = JSON.stringify({
  people: { alice: { slack: 'U0ALICE' }, bob: { slack: 'U0BOB' } },
  targets: { [`vpcep:${SERVICE_ID}`]: { approvalsRequired: 2, approvers: ['alice', 'bob'] } },
});
const SDK_ENV = ['AWS_ENDPOINT_URL_SSM', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

let h: Harness;
let dynamo: LocalDynamo;
let ssm: Awaited<ReturnType<typeof startCaptureServer>>;
const saved: Record<string, string | undefined> = {};

beforeEach(async () => {
  [h, dynamo, ssm] = await Promise.all([
    startHarness(),
    startDynalite(),
    startCaptureServer(() => ({
      status: 200,
      contentType: 'application/x-amz-json-1.1',
      body: JSON.stringify({
        Parameters: [{ Name: '/vpcep-approval/prod/VPCEP_APPROVAL_RULES', Value: RULES, Type: 'String' }],
      }),
    })),
  ]);
  for (const name of SDK_ENV) saved[name] = process.env[name];
  Object.assign(process.env, sdkEnv());
});
afterEach(async () => {
  for (const name of SDK_ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await Promise.all([h.close(), dynamo.close(), ssm.close()]);
});

const sdkEnv = () => ({
  AWS_ENDPOINT_URL_SSM: ssm.url,
  AWS_REGION: LOCAL_AWS.region,
  AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
});

describe('vpcep-approval decide with the rules document in SSM', () => {
  it('does not accept on a target that asks two people, without approvals or --break-glass', async () => {
    h.sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
      connections: [{ id: ENDPOINT_ID, status: 'pendingAcceptance', domainId: 'c'.repeat(32) }],
    });
    const path = join(await mkdtemp(join(tmpdir(), 'vpcep-attack-')), 'decision.json');
    await writeFile(path, JSON.stringify(aDecision()));

    const run = await runCliWith(['decide', '--output', 'json', '--file', path], {
      ...h.env,
      ...sdkEnv(),
      SECRETS_SSM_PATH: '/vpcep-approval/prod/',
      LEDGER_TABLE_NAME: dynamo.tableName,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
    });

    expect(h.sim.countCalls('vpcep.action')).toBe(0);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      status: 'denied',
      denial: { code: 'APPROVALS_REQUIRED' },
    });
  });
});
