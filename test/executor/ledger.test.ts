import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutcomeSchema } from '../../lib/decision/outcome-schema.ts';
import { type DecisionInput, parseDecision } from '../../lib/decision/schema.ts';
import { type ExecuteOptions, type ExecutorDeps, executeDecision } from '../../lib/executor/execute.ts';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import type { Ledger } from '../../lib/ledger/ledger.ts';
import type { MetricsRecorder } from '../../lib/metrics.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import {
  aDecision,
  anApigDecision,
  ENDPOINT_ID,
  endpointIds,
  INSTANCE_ID,
  PROJECT_ID,
  SERVICE_ID,
} from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

let h: Harness;
let dynamo: LocalDynamo;
let ledger: Ledger;

const TARGET = `vpcep:${SERVICE_ID}`;

beforeEach(async () => {
  [h, dynamo] = await Promise.all([startHarness(), startDynalite()]);
  ledger = dynamoDbLedger({ client: dynamo.client(), tableName: dynamo.tableName });
});
afterEach(async () => {
  await Promise.all([h.close(), dynamo.close()]);
});

function seed(ids: string[], status = 'pendingAcceptance') {
  h.sim.seed({
    kind: 'vpcep',
    projectId: PROJECT_ID,
    targetId: SERVICE_ID,
    connections: ids.map((id) => ({ id, status })),
  });
}

async function run(input: DecisionInput, deps: Partial<ExecutorDeps> = {}, options: ExecuteOptions = {}) {
  const parsed = parseDecision(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const outcome = await executeDecision(
    parsed.decision,
    { client: h.runtime.client, config: h.config, logger: h.logger, ledger, ...deps },
    options,
  );
  expect(OutcomeSchema.safeParse(outcome).success).toBe(true);
  return outcome;
}

const actionCalls = () => h.sim.countCalls('vpcep.action');

function countingMetrics(): MetricsRecorder & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return {
    counts,
    count: (name, value = 1) => counts.set(name, (counts.get(name) ?? 0) + value),
    timing() {},
  };
}

describe('executeDecision with the ledger', () => {
  it('refuses an accept decided before a reject already applied: superseded, no action call', async () => {
    seed([ENDPOINT_ID]);
    const reject = await run(
      aDecision({ id: 'CHG-2', action: 'reject', decidedAt: new Date(Date.now() - 60_000).toISOString() }),
    );
    expect(reject.status).toBe('succeeded');
    const callsAfterReject = actionCalls();

    const accept = await run(
      aDecision({ id: 'CHG-1', action: 'accept', decidedAt: new Date(Date.now() - 120_000).toISOString() }),
    );

    expect(accept.status).toBe('superseded');
    expect(accept.results[0]).toMatchObject({
      endpointId: ENDPOINT_ID,
      status: 'superseded',
      changed: false,
      supersededBy: { decisionId: 'CHG-2' },
      error: { code: 'DECISION_SUPERSEDED', retryable: false },
    });
    expect(actionCalls()).toBe(callsAfterReject);
    expect(h.sim.connection('vpcep', PROJECT_ID, SERVICE_ID, ENDPOINT_ID)?.status).toBe('rejected');
  });

  it('acts on the connections not superseded and reports the decision partial', async () => {
    const [first, second] = endpointIds(2) as [string, string];
    seed([first, second]);
    await run(aDecision({ id: 'CHG-LATER', action: 'reject', endpoints: [first] }));
    const before = actionCalls();

    const outcome = await run(
      aDecision({
        id: 'CHG-EARLIER',
        endpoints: [first, second],
        decidedAt: new Date(Date.now() - 3_600_000).toISOString(),
      }),
    );

    expect(outcome.status).toBe('partial');
    expect(outcome.results.map((r) => [r.endpointId, r.status])).toEqual([
      [first, 'superseded'],
      [second, 'accepted'],
    ]);
    expect(actionCalls() - before).toBe(1);
  });

  it('reads the ledger beside the status read, not before it', async () => {
    seed([ENDPOINT_ID]);
    const real = dynamo.client();
    // The ledger's Query answers only once Huawei has seen the status read: a run that waited for the
    // ledger before reading would find the endpoint's last decision unreadable, and fail it.
    const client = {
      send: async (command: Parameters<typeof real.send>[0]) => {
        if (command instanceof QueryCommand)
          await vi.waitUntil(() => h.sim.countCalls('vpcep.list') > 0, { timeout: 2000, interval: 5 });
        return real.send(command);
      },
    } as typeof real;

    const outcome = await run(aDecision(), {
      ledger: dynamoDbLedger({ client, tableName: dynamo.tableName }),
    });

    expect(outcome.status).toBe('succeeded');
    expect(outcome.results[0]).toMatchObject({ status: 'accepted', changed: true });
    expect(actionCalls()).toBe(1);
  });

  it('applies a replay of the last decision again without a call (current, not superseded)', async () => {
    seed([ENDPOINT_ID]);
    const decidedAt = new Date(Date.now() - 1000).toISOString();
    await run(aDecision({ decidedAt }));
    const before = actionCalls();

    const replay = await run(aDecision({ decidedAt }));

    expect(replay.status).toBe('succeeded');
    expect(replay.results[0]).toMatchObject({ status: 'accepted', changed: false });
    expect(actionCalls()).toBe(before);
    expect(await ledger.history(TARGET)).toHaveLength(1);
  });

  it('refuses a decision past its expiresAt, or older than the maximum age: expired, no call at all', async () => {
    seed([ENDPOINT_ID]);

    const pastExpiry = await run(aDecision({ expiresAt: new Date(Date.now() - 1000).toISOString() }));
    const tooOld = await run(aDecision({ decidedAt: '2026-01-01T00:00:00Z' }), { maxDecisionAgeMs: 60_000 });

    for (const outcome of [pastExpiry, tooOld]) {
      expect(outcome.status).toBe('expired');
      expect(outcome.results[0]).toMatchObject({ status: 'expired', error: { code: 'DECISION_EXPIRED' } });
    }
    expect(h.sim.calls).toHaveLength(0);
    expect(await ledger.history(TARGET)).toEqual([]);
  });

  it('says so in a dry run too, with no action call', async () => {
    seed([ENDPOINT_ID]);
    await run(aDecision({ id: 'CHG-LATER', action: 'reject' }));
    const before = actionCalls();

    const superseded = await run(
      aDecision({ id: 'CHG-OLD', decidedAt: new Date(Date.now() - 60_000).toISOString() }),
      {},
      { dryRun: true },
    );
    const expired = await run(
      aDecision({ expiresAt: new Date(Date.now() - 1).toISOString() }),
      {},
      { dryRun: true },
    );

    expect([superseded.status, expired.status]).toEqual(['superseded', 'expired']);
    expect(actionCalls()).toBe(before);
  });

  it('judges expiry without a ledger too', async () => {
    seed([ENDPOINT_ID]);

    const outcome = await run(aDecision({ expiresAt: new Date(Date.now() - 1).toISOString() }), {
      ledger: undefined,
    });

    expect(outcome.status).toBe('expired');
    expect(h.sim.calls).toHaveLength(0);
  });

  it('refuses a decidedAt far ahead of the clock as invalid, naming the field', async () => {
    seed([ENDPOINT_ID]);

    const outcome = await run(aDecision({ decidedAt: new Date(Date.now() + 3_600_000).toISOString() }));

    expect(outcome.status).toBe('invalid');
    expect(outcome.issues?.[0]?.path).toBe('decidedAt');
    expect(h.sim.calls).toHaveLength(0);
  });

  it("records who asked, the source, the request ids and the times, and never a sender's approvedBy", async () => {
    seed([ENDPOINT_ID]);
    const carrierNow = new Date(Date.now());

    const outcome = await run(
      aDecision({
        decidedAt: new Date(carrierNow.getTime() - 5000).toISOString(),
        approvedBy: ['slack:U1', 'feishu:ou_2'],
      }),
    );
    await run(aDecision({ id: 'CHG-9', action: 'reject' }), {}, { carrierTime: carrierNow });

    const history = await ledger.history(TARGET, { endpointId: ENDPOINT_ID });
    expect(history.map((r) => [r.decisionId, r.action, r.status])).toEqual([
      ['CHG-1042', 'accept', 'accepted'],
      ['CHG-9', 'reject', 'rejected'],
    ]);
    expect(history[0]).toMatchObject({
      requestedBy: 'alice@example.com',
      // What the sender claims is no approval: no channel vouched for it.
      approvedBy: [],
      source: { system: 'jira', ref: 'CHG-1042' },
    });
    expect(outcome.approvedBy).toBeUndefined();
    expect(history[0]?.huaweiRequestIds.length).toBeGreaterThanOrEqual(2);
    // The decision without decidedAt is dated by its carrier.
    expect(history[1]?.decidedAt).toBe(carrierNow.toISOString());
  });

  it('records nothing for a dry run, a failed or a missing connection', async () => {
    const [found, missing] = endpointIds(2) as [string, string];
    seed([found]);
    h.sim.inject({
      op: 'vpcep.action',
      times: 10,
      fault: { type: 'status', httpStatus: 400, errorCode: 'EndPoint.2004' },
    });

    await run(aDecision({ endpoints: [found, missing] }), {}, { dryRun: true });
    const outcome = await run(aDecision({ endpoints: [found, missing] }));

    expect(outcome.results.map((r) => r.status)).toEqual(['failed', 'not_found']);
    expect(await ledger.history(TARGET)).toEqual([]);
  });
});

describe('provenance after acting', () => {
  it('writes who decided and why into the VPCEP connection description', async () => {
    seed([ENDPOINT_ID]);

    const outcome = await run(aDecision());

    expect(outcome.status).toBe('succeeded');
    const description = h.sim.connection('vpcep', PROJECT_ID, SERVICE_ID, ENDPOINT_ID)?.description;
    expect(description).toMatch(
      /^accepted \d{4}-\d\d-\d\dT\d\d:\d\dZ by alice@example.com via jira CHG-1042 \(decision CHG-1042\): approved in CHG-1042$/,
    );
  });

  it('writes nothing when turned off, nor for a connection already in the wanted state', async () => {
    const [pending, done] = endpointIds(2) as [string, string];
    seed([pending]);
    h.sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
      connections: [
        { id: pending, status: 'pendingAcceptance' },
        { id: done, status: 'accepted' },
      ],
    });

    await run(aDecision({ endpoints: [pending] }), { describe: false });
    await run(aDecision({ id: 'CHG-2', endpoints: [done] }));

    expect(h.sim.countCalls('vpcep.describe')).toBe(0);
  });

  it('leaves the decision succeeded when the description write fails, and counts it', async () => {
    seed([ENDPOINT_ID]);
    h.sim.inject({
      op: 'vpcep.describe',
      times: 10,
      fault: { type: 'status', httpStatus: 400, errorCode: 'EndPoint.2001', errorMsg: 'bad description' },
    });
    const metrics = countingMetrics();

    const outcome = await run(aDecision(), { metrics });

    expect(outcome.status).toBe('succeeded');
    expect(outcome.results[0]).toMatchObject({ status: 'accepted', changed: true });
    expect(metrics.counts.get('DescriptionWriteFailed')).toBe(1);
    expect(h.logs.some((l) => l.includes('could not write the provenance description'))).toBe(true);
    expect(await ledger.history(TARGET)).toHaveLength(1);
  });

  it('writes no description on APIG, which has no such API, and records it in the ledger alone', async () => {
    const ids = endpointIds(2);
    h.sim.seed({
      kind: 'apig',
      projectId: PROJECT_ID,
      targetId: INSTANCE_ID,
      connections: ids.map((id) => ({ id, status: 'pendingAcceptance' })),
    });

    const outcome = await run(anApigDecision(ids));

    expect(outcome.status).toBe('succeeded');
    expect(h.sim.countCalls('vpcep.describe')).toBe(0);
    expect(await ledger.history(`apig:${INSTANCE_ID}`)).toHaveLength(2);
  });

  it('keeps the decision succeeded when the ledger cannot be written, and counts it', async () => {
    seed([ENDPOINT_ID]);
    const metrics = countingMetrics();
    const broken: Pick<Ledger, 'lastDecision' | 'recordDecision'> = {
      lastDecision: async () => undefined,
      recordDecision: async () => {
        throw new Error('table gone');
      },
    };

    const outcome = await run(aDecision(), { ledger: broken, metrics });

    expect(outcome.status).toBe('succeeded');
    expect(metrics.counts.get('LedgerWriteFailed')).toBe(1);
  });
});
