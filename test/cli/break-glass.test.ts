/**
 * The CLI asks the same authority as the functions: on a target whose rules ask two people, `decide`
 * executes nothing without their approvals, unless an operator breaks the glass — recorded in the
 * ledger and the description, and published on the topic as `break_glass`. Against the simulator,
 * dynalite and fauxqs.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import {
  type AwsEmulator,
  createQueue,
  createTopicWithTap,
  startAwsEmulator,
} from '../../local/aws-emulator.ts';
import { runCliWith } from '../helpers/cli.ts';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { aDecision, ENDPOINT_ID, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const TARGET = `vpcep:${SERVICE_ID}`;
const BLOCKED = 'b'.repeat(32);
const RULES = JSON.stringify({
  people: { alice: { slack: 'U0ALICE' }, bob: { slack: 'U0BOB' } },
  targets: { [TARGET]: { approvalsRequired: 2, approvers: ['alice', 'bob'], autoReject: [BLOCKED] } },
});

let h: Harness;
let dynamo: LocalDynamo;
let aws: AwsEmulator;
let sqs: SQSClient;
let sns: SNSClient;
let tapUrl: string;
let topicArn: string;

beforeEach(async () => {
  [h, dynamo, aws] = await Promise.all([startHarness(), startDynalite(), startAwsEmulator(LOCAL_AWS.region)]);
  const clients = { region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials, endpoint: aws.address };
  sqs = new SQSClient(clients);
  sns = new SNSClient(clients);
  const tap = await createQueue(sqs, aws.address, 'break-glass-tap');
  tapUrl = tap.url;
  topicArn = await createTopicWithTap(sns, 'break-glass-outcomes', tap);
});
afterEach(async () => {
  sqs.destroy();
  sns.destroy();
  await Promise.all([h.close(), dynamo.close(), aws.stop()]);
});

const env = () => ({
  ...h.env,
  VPCEP_APPROVAL_RULES: RULES,
  LEDGER_TABLE_NAME: dynamo.tableName,
  AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
  AWS_ENDPOINT_URL_SNS: aws.address,
  OUTCOME_TOPIC_ARN: topicArn,
  AWS_REGION: LOCAL_AWS.region,
  AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
});

async function decisionFile(content: unknown): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'vpcep-cli-')), 'decision.json');
  await writeFile(path, JSON.stringify(content));
  return path;
}

function seed(domainId = 'c'.repeat(32)) {
  h.sim.seed({
    kind: 'vpcep',
    projectId: PROJECT_ID,
    targetId: SERVICE_ID,
    connections: [{ id: ENDPOINT_ID, status: 'pendingAcceptance', domainId }],
  });
}

describe('vpcep-approval decide on a target that asks two people', () => {
  it('executes nothing without approvals: denied APPROVALS_REQUIRED, exit 1, no action call', async () => {
    seed();

    const run = await runCliWith(
      ['decide', '--output', 'json', '--file', await decisionFile(aDecision())],
      env(),
    );

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      status: 'denied',
      denial: { code: 'APPROVALS_REQUIRED' },
    });
    expect(h.sim.countCalls('vpcep.action')).toBe(0);
  });

  it('acts with --break-glass, and records, describes and publishes it as break_glass', async () => {
    seed();

    const run = await runCliWith(
      [
        'decide',
        '--output',
        'json',
        '--break-glass',
        'P1 outage INC-7',
        '--file',
        await decisionFile(aDecision()),
      ],
      env(),
    );

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      status: 'succeeded',
      breakGlass: { reason: 'P1 outage INC-7' },
    });
    const connection = h.sim.connection('vpcep', PROJECT_ID, SERVICE_ID, ENDPOINT_ID);
    expect(connection?.status).toBe('accepted');
    expect(connection?.description).toContain('BREAK-GLASS without approvals (P1 outage INC-7)');
    const [applied] = await dynamoDbLedger({ client: dynamo.client(), tableName: dynamo.tableName }).history(
      TARGET,
    );
    expect(applied).toMatchObject({ decisionId: 'CHG-1042', breakGlass: 'P1 outage INC-7' });
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: tapUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    expect(Messages).toHaveLength(1);
    expect(Messages[0]?.MessageAttributes?.eventType?.StringValue).toBe('break_glass');
    expect(JSON.parse(Messages[0]?.Body ?? '{}')).toMatchObject({
      decisionId: 'CHG-1042',
      breakGlass: { reason: 'P1 outage INC-7' },
    });
  });

  it('does not break the glass against autoReject, nor without a ledger and a topic to leave a trail', async () => {
    seed(BLOCKED);
    const file = await decisionFile(aDecision());

    const blocked = await runCliWith(
      ['decide', '--output', 'json', '--break-glass', 'outage', '--file', file],
      env(),
    );
    const { OUTCOME_TOPIC_ARN: _topic, ...noTopic } = env();
    const untraced = await runCliWith(['decide', '--break-glass', 'outage', '--file', file], noTopic);

    expect(JSON.parse(blocked.stdout)).toMatchObject({
      status: 'denied',
      denial: { code: 'RULES_AUTOREJECT' },
    });
    expect(untraced.code).toBe(2);
    expect(untraced.stderr).toContain('OUTCOME_TOPIC_ARN');
    expect(h.sim.countCalls('vpcep.action')).toBe(0);
  });
});
