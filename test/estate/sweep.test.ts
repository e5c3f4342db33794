/**
 * The sweeper function over an estate: the simulator with three accounts as Huawei, dynalite as the
 * ledger, the queue and topic faked at `client.send`. Discovery finds the member accounts' services,
 * each is listed with its owner's keys, and what the sweep queues runs where it was found.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSweeperHandler } from '../../functions/approval-sweeper.ts';
import { loadConfig } from '../../lib/config.ts';
import { parseDecision } from '../../lib/decision/schema.ts';
import { dynamoDbPlacements } from '../../lib/ledger/placements.ts';
import { silentLogger } from '../../lib/log.ts';
import { noMetrics } from '../../lib/metrics.ts';
import { parseRules } from '../../lib/rules/schema.ts';
import { decisionRunner } from '../../lib/runner.ts';
import { localContext } from '../../local/lambda-context.ts';
import { type Simulator, startSimulator } from '../../simulator/index.ts';
import { fakeAwsClient } from '../helpers/aws-fakes.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { estateJson, HUB, PAYMENTS, RETAIL, simAccounts } from '../helpers/estate.ts';
import { AK, SK } from '../helpers/harness.ts';

const TRUSTED = 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b';
const STRANGER = '1234567890abcdef1234567890abcdef';
const HUB_SERVICE = '4189d3c2-8882-4871-a3c2-d380272eed88';

let sim: Simulator;
let dynamo: LocalDynamo;
beforeEach(async () => {
  [sim, dynamo] = await Promise.all([startSimulator({ accounts: simAccounts() }), startDynalite()]);
});
afterEach(async () => {
  await Promise.all([sim.close(), dynamo.close()]);
});

function huaweiEnv() {
  return {
    HUAWEICLOUD_SDK_AK: AK,
    HUAWEICLOUD_SDK_SK: SK,
    HUAWEICLOUD_SDK_IAM_ENDPOINT: sim.url,
    HUAWEICLOUD_VPCEP_ENDPOINT: sim.url,
    HUAWEICLOUD_APIG_ENDPOINT: sim.url,
    VPCEP_APPROVAL_ESTATE: estateJson(),
    VPCEP_APPROVAL_SETTLE_TIMEOUT_MS: '0',
  };
}

function seed(projectId: string, domainId: string, serviceId = randomUUID()) {
  const endpointId = randomUUID();
  sim.seed({ kind: 'vpcep', projectId, targetId: serviceId, connections: [{ id: endpointId, domainId }] });
  return { serviceId, endpointId };
}

describe('a sweep of the estate', () => {
  it('discovers each watched region’s services, lists them with their owner’s keys, and the queued decision runs where they were found', async () => {
    seed(HUB.projects['cn-north-4'], STRANGER, HUB_SERVICE);
    const trusted = seed(PAYMENTS.projects['cn-east-3'], TRUSTED);
    const asked = seed(PAYMENTS.projects['ap-southeast-1'], STRANGER);
    const unwatched = seed(RETAIL.projects['eu-west-101'], TRUSTED);
    const sqs = fakeAwsClient();
    const sns = fakeAwsClient();
    const handler = createSweeperHandler(
      {
        ...huaweiEnv(),
        AWS_LAMBDA_FUNCTION_NAME: 'approval-sweeper',
        LEDGER_TABLE_NAME: dynamo.tableName,
        DECISION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/decisions.fifo',
        OUTCOME_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:outcomes',
        VPCEP_APPROVAL_RULES: JSON.stringify({ targets: { '*': { autoAccept: [TRUSTED] } } }),
      },
      { sqs, sns, dynamodb: dynamo.client(), write: () => undefined },
    );

    const summary = await handler({}, localContext('approval-sweeper', 60_000));

    // hub's listed service, payments' two discovered ones; retail's cn-north-4 has none, eu-west-101 is not watched.
    expect(summary).toMatchObject({ targets: 3, pending: 3, decisions: 1, requested: 2, errors: [] });
    expect(sim.countCalls('vpcep.discover')).toBe(3);
    expect(sim.countCalls('apig.discover')).toBe(1);
    expect(sim.countCalls('iam.assumeRole')).toBe(2);
    expect(sim.calls.some((c) => c.path.includes(RETAIL.projects['eu-west-101']))).toBe(false);
    expect(sim.calls.some((c) => c.path.includes(unwatched.serviceId))).toBe(false);

    // The approval request names where the target is.
    const events = sns.sent.map((s) => JSON.parse(String(s.input.Message)) as Record<string, unknown>);
    expect(events).toContainEqual(
      expect.objectContaining({
        target: `vpcep:${asked.serviceId}`,
        account: 'payments',
        region: 'ap-southeast-1',
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ target: `vpcep:${HUB_SERVICE}`, account: 'hub', region: 'cn-north-4' }),
    );

    // The queued decision names its target by id alone; another container places it from the ledger.
    const placements = dynamoDbPlacements({ client: dynamo.client(), tableName: dynamo.tableName });
    expect(await placements.placement(`vpcep:${trusted.serviceId}`)).toEqual({
      account: 'payments',
      domainId: PAYMENTS.domainId,
      region: 'cn-east-3',
    });
    const queued = sqs.sent.map((s) => JSON.parse(String(s.input.MessageBody)));
    expect(queued).toHaveLength(1);
    expect(queued[0].target).toEqual({ type: 'vpcep', serviceId: trusted.serviceId });
    const parsed = parseDecision(queued[0]);
    if (!parsed.ok) throw new Error('the sweep queued an invalid decision');
    const before = sim.countCalls('vpcep.discover');
    // The worker applies the same rules: the rule's accept holds only where autoAccept lists the account.
    const runner = decisionRunner(
      {
        ...loadConfig(huaweiEnv()),
        secrets: [SK],
        rules: parseRules(JSON.stringify({ targets: { '*': { autoAccept: [TRUSTED] } } })),
      },
      { logger: silentLogger, metrics: noMetrics, placements },
    );
    const outcome = await runner.execute(parsed.decision, Date.now() + 10_000);

    expect(outcome).toMatchObject({
      status: 'succeeded',
      placement: { account: 'payments', region: 'cn-east-3' },
    });
    expect(sim.countCalls('vpcep.discover')).toBe(before);
    expect(
      sim.connection('vpcep', PAYMENTS.projects['cn-east-3'], trusted.serviceId, trusted.endpointId)?.status,
    ).toBe('accepted');
  });

  it('reports a region it cannot read and sweeps the others', async () => {
    seed(HUB.projects['cn-north-4'], STRANGER, HUB_SERVICE);
    seed(PAYMENTS.projects['ap-southeast-1'], STRANGER);
    sim.inject({
      op: 'apig.discover',
      times: 5,
      fault: { type: 'status', httpStatus: 403, errorCode: 'APIG.1002' },
    });
    const handler = createSweeperHandler(
      {
        ...huaweiEnv(),
        AWS_LAMBDA_FUNCTION_NAME: 'approval-sweeper',
        LEDGER_TABLE_NAME: dynamo.tableName,
        DECISION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/decisions.fifo',
        OUTCOME_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:outcomes',
      },
      { sqs: fakeAwsClient(), sns: fakeAwsClient(), dynamodb: dynamo.client(), write: () => undefined },
    );

    const summary = await handler({}, localContext('approval-sweeper', 60_000));

    expect(summary.errors).toEqual([
      expect.objectContaining({ target: 'estate:payments/cn-east-3', code: 'APIG.1002' }),
    ]);
    // Only cn-east-3's gateway listing failed: the hub's service and ap-southeast-1's are swept.
    expect(summary).toMatchObject({ targets: 2, requested: 2 });
  });
});

describe('the sweeper’s settings with an estate', () => {
  const base = {
    HUAWEICLOUD_SDK_AK: AK,
    HUAWEICLOUD_SDK_SK: SK,
    LEDGER_TABLE_NAME: 'vpcep-approval-dev-ledger',
    DECISION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/d.fifo',
    OUTCOME_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:outcomes',
    VPCEP_APPROVAL_ESTATE: estateJson(),
  };

  it('need no watch list, and refuse one', async () => {
    const { loadSweeperConfig } = await import('../../functions/approval-sweeper/config.ts');
    expect(loadSweeperConfig(base).watchTargets).toEqual([]);
    expect(() =>
      loadSweeperConfig({ ...base, VPCEP_APPROVAL_WATCH_TARGETS: `vpcep:${HUB_SERVICE}` }),
    ).toThrow(/VPCEP_APPROVAL_WATCH_TARGETS: must not be set with VPCEP_APPROVAL_ESTATE/);
  });
});
