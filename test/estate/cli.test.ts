/** The CLI with VPCEP_APPROVAL_ESTATE: `status` and `decide` place the target in its account and region. */
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator/index.ts';
import { runCliWith } from '../helpers/cli.ts';
import { estateJson, HUB, PAYMENTS, simAccounts } from '../helpers/estate.ts';
import { AK, SK } from '../helpers/harness.ts';

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ accounts: simAccounts() });
});
afterEach(async () => {
  await sim.close();
});

const env = () => ({
  HUAWEICLOUD_SDK_AK: AK,
  HUAWEICLOUD_SDK_SK: SK,
  HUAWEICLOUD_SDK_IAM_ENDPOINT: sim.url,
  HUAWEICLOUD_VPCEP_ENDPOINT: sim.url,
  HUAWEICLOUD_APIG_ENDPOINT: sim.url,
  VPCEP_APPROVAL_ESTATE: estateJson(),
  VPCEP_APPROVAL_SETTLE_TIMEOUT_MS: '0',
  VPCEP_APPROVAL_LOG_LEVEL: 'error',
});

describe('the CLI in an estate', () => {
  it('shows a discovered service’s connections and decides one, in the service’s account and region', async () => {
    const serviceId = randomUUID();
    const endpointId = randomUUID();
    sim.seed({
      kind: 'vpcep',
      projectId: PAYMENTS.projects['cn-east-3'],
      targetId: serviceId,
      connections: [{ id: endpointId }],
    });

    const status = await runCliWith(['status', '--target', `vpcep:${serviceId}`, '--output', 'json'], env());
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      target: { serviceId, region: 'cn-east-3', projectId: PAYMENTS.projects['cn-east-3'] },
      connections: [{ id: endpointId, status: 'pendingAcceptance' }],
    });

    const decision = {
      id: 'CHG-7',
      action: 'accept',
      target: { type: 'vpcep', serviceId },
      endpoints: [endpointId],
    };
    const decided = await runCliWith(
      ['decide', '--file', '-', '--output', 'json'],
      env(),
      JSON.stringify(decision),
    );
    expect(decided.code, decided.stderr).toBe(0);
    expect(JSON.parse(decided.stdout)).toMatchObject({
      status: 'succeeded',
      placement: { account: 'payments', domainId: PAYMENTS.domainId, region: 'cn-east-3' },
    });
  });

  it('denies a target outside the estate and says why on status', async () => {
    const stranger = randomUUID();
    const decision = {
      id: 'CHG-8',
      action: 'accept',
      target: { type: 'vpcep', serviceId: stranger },
      endpoints: [randomUUID()],
    };
    const decided = await runCliWith(
      ['decide', '--file', '-', '--output', 'json'],
      env(),
      JSON.stringify(decision),
    );
    expect(decided.code).toBe(1);
    expect(JSON.parse(decided.stdout)).toMatchObject({
      status: 'denied',
      denial: { code: 'TARGET_NOT_IN_ESTATE' },
    });
    expect(sim.countCalls('vpcep.list') + sim.countCalls('vpcep.action')).toBe(0);

    const status = await runCliWith(['status', '--target', `vpcep:${stranger}`], env());
    expect(status.code).not.toBe(0);
    expect(status.stderr).toMatch(/not in VPCEP_APPROVAL_ESTATE/);
  });
});

describe('history in an estate', () => {
  it('names the account and region where a sweep found the target', async () => {
    const { startDynalite, LOCAL_AWS } = await import('../helpers/dynalite.ts');
    const { dynamoDbPlacements } = await import('../../lib/ledger/placements.ts');
    const dynamo = await startDynalite();
    try {
      const serviceId = randomUUID();
      await dynamoDbPlacements({ client: dynamo.client(), tableName: dynamo.tableName }).remember(
        `vpcep:${serviceId}`,
        { account: 'payments', domainId: PAYMENTS.domainId, region: 'ap-southeast-1' },
        new Date().toISOString(),
      );
      const ledgerEnv = {
        LEDGER_TABLE_NAME: dynamo.tableName,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
        AWS_REGION: LOCAL_AWS.region,
        AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      };

      const json = await runCliWith(['history', '--target', `vpcep:${serviceId}`, '--output', 'json'], {
        ...env(),
        ...ledgerEnv,
      });
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({
        placement: { account: 'payments', region: 'ap-southeast-1' },
        decisions: [],
      });
      const text = await runCliWith(
        ['history', '--target', 'vpcep:4189d3c2-8882-4871-a3c2-d380272eed88', '--output', 'text'],
        {
          ...env(),
          ...ledgerEnv,
        },
      );
      expect(text.stdout).toContain(
        'vpcep:4189d3c2-8882-4871-a3c2-d380272eed88 (hub, cn-north-4): 0 decisions',
      );
    } finally {
      await dynamo.close();
    }
  });
});

describe('sweep --dry-run --estate', () => {
  it("plans one sweep over the estate a file describes: a discovered service's connection, decided in its account, and nothing done", async () => {
    const serviceId = randomUUID();
    const [trusted, stranger] = [randomUUID(), randomUUID()];
    const TRUSTED = 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b';
    sim.seed({
      kind: 'vpcep',
      projectId: PAYMENTS.projects['cn-east-3'],
      targetId: serviceId,
      connections: [
        { id: trusted, domainId: TRUSTED },
        { id: stranger, domainId: 'c'.repeat(32) },
      ],
    });
    // The hub's listed service, empty: the plan reads it too.
    sim.seed({
      kind: 'vpcep',
      projectId: HUB.projects['cn-north-4'],
      targetId: '4189d3c2-8882-4871-a3c2-d380272eed88',
      connections: [],
    });
    const dir = await mkdtemp(join(tmpdir(), 'plan-'));
    await writeFile(join(dir, 'estate.json'), estateJson());
    await writeFile(join(dir, 'rules.json'), JSON.stringify({ targets: { '*': { autoAccept: [TRUSTED] } } }));
    const { VPCEP_APPROVAL_ESTATE: _fromFile, ...withoutEstate } = env();

    const plan = await runCliWith(
      [
        'sweep',
        '--dry-run',
        '--estate',
        join(dir, 'estate.json'),
        '--rules',
        join(dir, 'rules.json'),
        '--output',
        'json',
      ],
      withoutEstate,
    );

    expect(plan.code, `${plan.stderr}\n${plan.stdout.slice(0, 2000)}`).toBe(0);
    const planned = JSON.parse(plan.stdout);
    expect(planned).toMatchObject({ dryRun: true });
    expect(planned.decisions).toContainEqual(
      expect.objectContaining({ target: `vpcep:${serviceId}`, endpointId: trusted, action: 'accept' }),
    );
    expect(planned.requested).toContainEqual(
      expect.objectContaining({ target: `vpcep:${serviceId}`, endpointId: stranger }),
    );
    // A plan: nothing acted on.
    expect(sim.countCalls('vpcep.action')).toBe(0);
  });
});
