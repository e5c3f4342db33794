import { ConditionalCheckFailedException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError, VpcepApprovalError } from '../../lib/errors.ts';
import { defaultDynamoDbClient, dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import type { AppliedDecision, ApprovalRequest, Ledger } from '../../lib/ledger/ledger.ts';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';

const SERVICE = '4189d3c2-8882-4871-a3c2-d380272eed88';
const TARGET = `vpcep:${SERVICE}`;
const EP1 = '705290f3-0d00-41f2-aedc-71f09844e879';
const EP2 = '8c1e6a52-3b9f-4d17-9a0e-2f5b7c4d1e63';

let dynamo: LocalDynamo;
let now: Date;

beforeEach(async () => {
  dynamo = await startDynalite();
  now = new Date('2026-11-26T10:00:00.000Z');
});
afterEach(() => dynamo.close());

/** A ledger as one container builds it: its own SDK client, the shared table, the test's clock. */
function container(): Ledger {
  return dynamoDbLedger({ client: dynamo.client(), tableName: dynamo.tableName, clock: () => now });
}

function applied(overrides: Partial<AppliedDecision> = {}): AppliedDecision {
  return {
    decisionId: 'CHG-1042',
    action: 'accept',
    target: TARGET,
    endpointId: EP1,
    requestedBy: 'alice@example.com',
    approvedBy: ['bob@example.com'],
    source: { system: 'jira', ref: 'CHG-1042', url: 'https://jira.example.com/browse/CHG-1042' },
    huaweiRequestIds: ['req-list-1', 'req-action-1'],
    status: 'accepted',
    appliedAt: '2026-11-26T10:00:01.000Z',
    decidedAt: '2026-11-26T09:59:00.000Z',
    ...overrides,
  };
}

function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    target: TARGET,
    endpointId: EP1,
    domainId: 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b',
    requestedAt: '2026-11-26T09:00:00.000Z',
    rule: 'approvalRequired',
    raisedAt: now.toISOString(),
    remindAt: '2026-11-26T14:00:00.000Z',
    reminders: 0,
    ...overrides,
  };
}

describe('dynamoDbLedger: decisions applied', () => {
  it('records a decision once across two containers and reads it back whole', async () => {
    const [a, b] = [container(), container()];

    const first = await a.recordDecision(applied());
    const replay = await b.recordDecision(applied({ appliedAt: '2026-11-26T10:05:00.000Z' }));

    expect([first, replay]).toEqual(['recorded', 'duplicate']);
    expect(await b.lastDecision(TARGET, EP1)).toEqual(applied());
    expect(await a.history(TARGET)).toHaveLength(1);
  });

  it('answers the decision decided last, whatever order they were written in', async () => {
    const ledger = container();
    await ledger.recordDecision(applied({ decisionId: 'late', decidedAt: '2026-11-26T09:30:00+01:00' }));
    await ledger.recordDecision(applied({ decisionId: 'newest', decidedAt: '2026-11-26T09:00:00Z' }));
    await ledger.recordDecision(applied({ decisionId: 'oldest', decidedAt: '2026-11-25T23:00:00Z' }));

    const last = await ledger.lastDecision(TARGET, EP1);

    // 09:30+01:00 is 08:30Z: older than 09:00Z, so `newest` is the last decided.
    expect(last?.decisionId).toBe('newest');
    expect(last?.decidedAt).toBe('2026-11-26T09:00:00.000Z');
    expect(await ledger.lastDecision(TARGET, EP2)).toBeUndefined();
  });

  it('lists a target history oldest first across its connections, or one connection, or the newest few', async () => {
    const ledger = container();
    await ledger.recordDecision(
      applied({ decisionId: 'd3', endpointId: EP1, decidedAt: '2026-11-26T03:00:00Z' }),
    );
    await ledger.recordDecision(
      applied({ decisionId: 'd1', endpointId: EP2, decidedAt: '2026-11-26T01:00:00Z' }),
    );
    await ledger.recordDecision(
      applied({ decisionId: 'd2', endpointId: EP1, decidedAt: '2026-11-26T02:00:00Z' }),
    );
    await ledger.recordDecision(
      applied({ decisionId: 'other', target: 'vpcep:11111111-2222-3333-4444-555555555555' }),
    );

    const all = await ledger.history(TARGET.toUpperCase().replace('VPCEP', 'vpcep'));
    const one = await ledger.history(TARGET, { endpointId: EP1.toUpperCase() });
    const newest = await ledger.history(TARGET, { limit: 2 });

    expect(all.map((d) => d.decisionId)).toEqual(['d1', 'd2', 'd3']);
    expect(one.map((d) => d.decisionId)).toEqual(['d2', 'd3']);
    expect(newest.map((d) => d.decisionId)).toEqual(['d2', 'd3']);
  });

  it('refuses a record with a bad target or time, naming the field, before writing', async () => {
    const ledger = container();

    await expect(ledger.recordDecision(applied({ target: 'vpcep:not-a-uuid' }))).rejects.toMatchObject({
      issues: [{ path: 'target' }],
    });
    await expect(ledger.recordDecision(applied({ decidedAt: 'yesterday' }))).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await ledger.history(TARGET)).toEqual([]);
  });

  it('refuses to pass on a stored record that is not a decision, naming the field', async () => {
    const ledger = container();
    await dynamo.client().send(
      new PutItemCommand({
        TableName: dynamo.tableName,
        Item: {
          pk: { S: `CONN#${TARGET}#${EP1}` },
          sk: { S: 'DECISION#2026-11-26T00:00:00.000Z#x' },
          decisionId: { S: 'x' },
          action: { S: 'approve' },
        },
      }),
    );

    const error = await ledger.lastDecision(TARGET, EP1).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toContain('action');
  });
});

describe('dynamoDbLedger: approval requests', () => {
  it('records a request once across two containers; later callers get the first one', async () => {
    const [a, b] = [container(), container()];

    const results = await Promise.all([
      a.recordApprovalRequest(request({ rule: 'first' })),
      b.recordApprovalRequest(request({ rule: 'second' })),
      a.recordApprovalRequest(request({ rule: 'third' })),
      b.recordApprovalRequest(request({ rule: 'fourth' })),
    ]);

    const winners = results.flatMap((r, i) => (r.first ? [i] : []));
    expect(winners).toHaveLength(1);
    const winner = ['first', 'second', 'third', 'fourth'][winners[0] as number];
    for (const result of results) if (!result.first) expect(result.existing.rule).toBe(winner);
  });

  it('hands a due reminder to exactly one caller and moves it to the next time', async () => {
    const [a, b] = [container(), container()];
    await a.recordApprovalRequest(request({ remindAt: '2026-11-26T14:00:00Z' }));

    const early = await b.claimReminder(TARGET, EP1, '2026-11-26T18:00:00Z');
    now = new Date('2026-11-26T14:00:00.000Z');
    const claims = await Promise.all([
      a.claimReminder(TARGET, EP1, '2026-11-26T18:00:00Z'),
      b.claimReminder(TARGET, EP1, '2026-11-26T18:00:00Z'),
    ]);
    const again = await a.claimReminder(TARGET, EP1, '2026-11-26T18:00:00Z');

    expect(early).toBeUndefined();
    const won = claims.filter((c) => c !== undefined);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ remindAt: '2026-11-26T18:00:00.000Z', reminders: 1 });
    expect(again).toBeUndefined();
    expect(await a.claimReminder(TARGET, EP2, '2026-11-26T18:00:00Z')).toBeUndefined();
  });

  it("lists a target's requests in force, and only that target's", async () => {
    const ledger = dynamoDbLedger({
      client: dynamo.client(),
      tableName: dynamo.tableName,
      clock: () => now,
      requestTtlMs: 60 * 60 * 1000,
    });
    await ledger.recordApprovalRequest(request({ endpointId: EP1 }));
    await ledger.recordApprovalRequest(request({ endpointId: EP2, rule: 'second' }));
    await ledger.recordApprovalRequest(
      request({ target: 'vpcep:11111111-2222-3333-4444-555555555555', endpointId: EP1 }),
    );

    const listed = await ledger.approvalRequests(TARGET);
    now = new Date('2026-11-26T11:00:01.000Z');
    const afterTtl = await ledger.approvalRequests(TARGET);

    expect(new Map(listed.map((r) => [r.endpointId, r.rule]))).toEqual(
      new Map([
        [EP1, 'approvalRequired'],
        [EP2, 'second'],
      ]),
    );
    expect(listed[0]).not.toHaveProperty('gsi1pk');
    expect(afterTtl).toEqual([]);
  });

  it('withdraws only the request raised at the given time', async () => {
    const [a, b] = [container(), container()];
    await a.recordApprovalRequest(request());

    const stale = await b.withdrawApprovalRequest(TARGET, EP1, '2026-11-26T09:00:00Z');
    const own = await a.withdrawApprovalRequest(TARGET, EP1, now.toISOString());
    const again = await b.recordApprovalRequest(request({ rule: 'after' }));

    expect([stale, own]).toEqual([false, true]);
    expect(again.first).toBe(true);
    expect(await a.withdrawApprovalRequest(TARGET, EP2, now.toISOString())).toBe(false);
  });

  it('raises a request again once the old one has expired, even before DynamoDB deletes it', async () => {
    const ledger = dynamoDbLedger({
      client: dynamo.client(),
      tableName: dynamo.tableName,
      clock: () => now,
      requestTtlMs: 60 * 60 * 1000,
    });
    await ledger.recordApprovalRequest(request());

    now = new Date('2026-11-26T10:59:00.000Z');
    const within = await ledger.recordApprovalRequest(request({ raisedAt: now.toISOString() }));
    now = new Date('2026-11-26T11:00:02.000Z');
    const after = await ledger.recordApprovalRequest(request({ raisedAt: now.toISOString() }));

    expect(within.first).toBe(false);
    expect(after.first).toBe(true);
  });
});

describe('dynamoDbLedger: delivery ids', () => {
  it('answers every repeat of a delivery with the first answer, across containers', async () => {
    const [a, b] = [container(), container()];
    const key = { kind: 'webhook-id', id: 'msg_2Lh9' };

    const results = await Promise.all([
      a.recordDelivery(key, { decisionId: 'CHG-1', status: 'queued' }, 5 * 60_000),
      b.recordDelivery(key, { decisionId: 'CHG-1', status: 'other' }, 5 * 60_000),
      b.recordDelivery(key, { decisionId: 'CHG-1', status: 'third' }, 5 * 60_000),
    ]);

    expect(results.filter((r) => r.first)).toHaveLength(1);
    const answers = new Set(results.flatMap((r) => (r.first ? [] : [JSON.stringify(r.existing)])));
    expect(answers.size).toBe(1);
    const other = await a.recordDelivery({ kind: 'slack', id: 'msg_2Lh9' }, 'x', 60_000);
    expect(other.first).toBe(true);
  });

  it('accepts a delivery id again after its window, and refuses malformed keys', async () => {
    const ledger = container();
    const key = { kind: 'feishu', id: 'ev_1' };
    await ledger.recordDelivery(key, 'first', 60_000);

    now = new Date(now.getTime() + 59_000);
    const inside = await ledger.recordDelivery(key, 'second', 60_000);
    now = new Date(now.getTime() + 2_000);
    const outside = await ledger.recordDelivery(key, 'third', 60_000);

    expect(inside).toEqual({ first: false, existing: 'first' });
    expect(outside).toEqual({ first: true });
    await expect(ledger.recordDelivery({ kind: 'Web Hook', id: 'x' }, 1, 1)).rejects.toMatchObject({
      issues: [{ path: 'kind' }],
    });
    await expect(ledger.recordDelivery({ kind: 'slack', id: '' }, 1, 1)).rejects.toMatchObject({
      issues: [{ path: 'id' }],
    });
  });
});

describe('dynamoDbLedger: the table', () => {
  it('takes the item DynamoDB returns with a refused put, without reading it again', async () => {
    // DynamoDB returns the refusing item (ReturnValuesOnConditionCheckFailure); dynalite does not,
    // so this client is faked at send, the boundary the SDK exposes.
    const sent: string[] = [];
    const client = {
      async send(command: {
        constructor: { name: string };
        input: { ReturnValuesOnConditionCheckFailure?: string };
      }) {
        sent.push(command.constructor.name);
        if (command.input.ReturnValuesOnConditionCheckFailure !== 'ALL_OLD') throw new Error('not asked');
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: {},
          Item: { answer: { S: '{"status":"queued"}' } },
        });
      },
    };
    const ledger = dynamoDbLedger({ client: client as never, tableName: 't' });

    const result = await ledger.recordDelivery(
      { kind: 'webhook-id', id: 'msg_1' },
      { status: 'other' },
      60_000,
    );

    expect(result).toEqual({ first: false, existing: { status: 'queued' } });
    expect(sent).toEqual(['PutItemCommand']);
  });

  it('reports an unreachable or missing table as a retryable LEDGER_UNAVAILABLE', async () => {
    const ledger = dynamoDbLedger({ client: dynamo.client(), tableName: 'no-such-table' });

    const error = await ledger.lastDecision(TARGET, EP1).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(VpcepApprovalError);
    expect(error).toMatchObject({ code: 'LEDGER_UNAVAILABLE', retryable: true, statusCode: 503 });
  });

  it('reaches the table named by AWS_ENDPOINT_URL_DYNAMODB with the default client', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    });
    try {
      const client = defaultDynamoDbClient();
      const ledger = dynamoDbLedger({ client, tableName: dynamo.tableName });
      await ledger.recordDecision(applied());
      expect(await container().lastDecision(TARGET, EP1)).toMatchObject({ decisionId: 'CHG-1042' });
      client.destroy();
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});
