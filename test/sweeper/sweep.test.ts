import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnyDecision, parseDecision } from '../../lib/decision/schema.ts';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { dynamoDbRequestLifecycle } from '../../lib/ledger/request-lifecycle.ts';
import { parseRules } from '../../lib/rules/schema.ts';
import { huaweiListing } from '../../lib/sweeper/huawei-listing.ts';
import {
  type ApprovalRequestEvent,
  type RequestChannel,
  type SweepDeps,
  sweep,
} from '../../lib/sweeper/sweep.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { endpointIds, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const TARGET = `vpcep:${SERVICE_ID}`;
const OTHER_SERVICE = '9e1f2d3c-4b5a-4968-8776-655443322110';
const TRUSTED = 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b';
const STRANGER = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';
const HOUR = 60 * 60 * 1000;
const [TRUSTED_EP, STRANGER_EP, OLD_EP, EXTRA_EP] = endpointIds(4) as [string, string, string, string];

let h: Harness;
let dynamo: LocalDynamo;
let now: Date;
let queued: AnyDecision[];
let raised: ApprovalRequestEvent[];

beforeEach(async () => {
  [h, dynamo] = await Promise.all([startHarness(), startDynalite()]);
  now = new Date('2026-11-26T10:00:00.000Z');
  queued = [];
  raised = [];
  h.sim.seed({
    kind: 'vpcep',
    projectId: PROJECT_ID,
    targetId: SERVICE_ID,
    connections: [
      { id: TRUSTED_EP, domainId: TRUSTED, createdAt: '2026-11-26T09:55:00.000Z' },
      { id: STRANGER_EP, domainId: STRANGER, createdAt: '2026-11-26T09:50:00.000Z' },
    ],
  });
});
afterEach(async () => {
  await Promise.all([h.close(), dynamo.close()]);
});

/** The sweep's effects as one container wires them: its own ledger client, the shared table. */
function deps(rules: string, overrides: Partial<SweepDeps> = {}): SweepDeps {
  return {
    listPending: huaweiListing({ client: h.runtime.client, huawei: h.config.huawei, deadlineMs: 10_000 }),
    ledger: dynamoDbLedger({ client: dynamo.client(), tableName: dynamo.tableName, clock: () => now }),
    rules: parseRules(rules),
    async enqueue(input) {
      const parsed = parseDecision(input);
      if (!parsed.ok)
        throw new Error(`the sweep queued an invalid decision: ${JSON.stringify(parsed.issues)}`);
      queued.push(parsed.decision);
    },
    lifecycle: dynamoDbRequestLifecycle({
      client: dynamo.client(),
      tableName: dynamo.tableName,
      clock: () => now,
    }),
    channels: [channel(async (request) => void raised.push(request))],
    clock: () => now,
    reminderIntervalMs: 4 * HOUR,
    ...overrides,
  };
}

/** A channel that raises and reminds alike, as the topic does. */
function channel(raise: (request: ApprovalRequestEvent) => Promise<void>, name = 'topic'): RequestChannel {
  const post = async (request: ApprovalRequestEvent) => {
    await raise(request);
    return {};
  };
  return { name, raise: post, remind: post };
}

const TRUST = JSON.stringify({
  people: { alice: { slack: 'U0123ABCD' } },
  targets: { [TARGET]: { autoAccept: [TRUSTED], approvers: ['alice'] } },
});

describe('sweep', () => {
  it("queues an accept for a trusted account's connection and asks people about the other", async () => {
    const report = await sweep([TARGET], deps(TRUST));

    expect(queued).toEqual([
      {
        id: `rules:accept:${TRUSTED_EP}`,
        action: 'accept',
        target: { type: 'vpcep', serviceId: SERVICE_ID },
        endpoints: [TRUSTED_EP],
        reason: `account ${TRUSTED} is in autoAccept`,
        requestedBy: 'rule:autoAccept',
        source: { system: 'rules', ref: 'autoAccept' },
        // Dated when the sweep saw it pending: a person's decision during the sweep is the later one.
        decidedAt: now.toISOString(),
      },
    ]);
    expect(raised).toEqual([
      {
        target: TARGET,
        endpointId: STRANGER_EP,
        domainId: STRANGER,
        createdAt: '2026-11-26T09:50:00.000Z',
        // The service's whitelist is empty: the stranger is not on it.
        whitelisted: false,
        rule: 'askPeople',
        reason: 'no rule decides it',
        approvalsRequired: 1,
        approvers: ['alice'],
        reminder: 0,
      },
    ]);
    expect(report).toMatchObject({ targets: 1, pending: 2, waiting: 0, errors: [] });
    // Only pending connections were listed (the list was asked by status), then the whitelist read.
    expect(h.sim.calls.map((c) => [c.op, c.query.status])).toEqual([
      ['vpcep.list', 'pendingAcceptance'],
      ['vpcep.permissions', undefined],
    ]);
  });

  it('asks once across three sweeps in two containers, then reminds once the interval has passed', async () => {
    const [a, b] = [deps(TRUST), deps(TRUST)];

    await sweep([TARGET], a);
    await sweep([TARGET], b);
    const third = await sweep([TARGET], a);
    now = new Date(now.getTime() + 4 * HOUR);
    const [due, alsoDue] = await Promise.all([sweep([TARGET], b), sweep([TARGET], a)]);
    const afterReminder = await sweep([TARGET], b);

    expect(raised.map((r) => [r.endpointId, r.reminder])).toEqual([
      [STRANGER_EP, 0],
      [STRANGER_EP, 1],
    ]);
    expect(third.waiting).toBe(1);
    expect(due.reminded.length + alsoDue.reminded.length).toBe(1);
    expect(afterReminder.waiting).toBe(1);
    // The automatic decision has one id however many sweeps reach it, so the queue deduplicates it.
    expect(new Set(queued.map((d) => d.id))).toEqual(new Set([`rules:accept:${TRUSTED_EP}`]));
  });

  it("counts an account's accepted connections against maxConnectionsPerAccount", async () => {
    h.sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
      connections: [{ id: EXTRA_EP, domainId: TRUSTED, status: 'accepted' }],
    });
    const rules = JSON.stringify({
      targets: { [TARGET]: { autoAccept: [TRUSTED], maxConnectionsPerAccount: 1 } },
    });

    const report = await sweep([TARGET], deps(rules));

    expect(queued).toEqual([]);
    // Connections are handled concurrently: compare without order.
    expect(new Map(raised.map((r) => [r.endpointId, r.rule]))).toEqual(
      new Map([
        [TRUSTED_EP, 'maxConnectionsPerAccount'],
        [STRANGER_EP, 'askPeople'],
      ]),
    );
    expect(report.decisions).toEqual([]);
    expect(
      h.sim.calls
        .filter((c) => c.op === 'vpcep.list')
        .map((c) => c.query.status)
        .sort(),
    ).toEqual(['accepted', 'pendingAcceptance']);
  });

  it('rejects a request left pending past rejectPendingAfterHours, by the "*" defaults', async () => {
    h.sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
      connections: [{ id: OLD_EP, domainId: STRANGER, createdAt: '2026-11-23T09:00:00.000Z' }],
    });

    const report = await sweep(
      [TARGET],
      deps(JSON.stringify({ targets: { '*': { rejectPendingAfterHours: 72 } } })),
    );

    expect(report.decisions).toEqual([
      {
        target: TARGET,
        endpointId: OLD_EP,
        decisionId: `rules:reject:${OLD_EP}`,
        action: 'reject',
        rule: 'rejectPendingAfterHours',
      },
    ]);
    expect(queued.map((d) => [d.id, d.requestedBy])).toEqual([
      [`rules:reject:${OLD_EP}`, 'rule:rejectPendingAfterHours'],
    ]);
  });

  it('reports a failing target or connection and carries on with the others', async () => {
    let raises = 0;
    const report = await sweep(
      [`vpcep:${OTHER_SERVICE}`, TARGET],
      deps('', {
        channels: [
          channel(async (request) => {
            raises += 1;
            if (request.endpointId === TRUSTED_EP) throw new Error('chat is down');
            raised.push(request);
          }),
        ],
      }),
    );

    const byTarget = (x: { target: string; endpointId?: string }) => `${x.target}/${x.endpointId ?? ''}`;
    expect([...report.errors].sort((x, y) => byTarget(x).localeCompare(byTarget(y)))).toEqual([
      {
        target: TARGET,
        endpointId: TRUSTED_EP,
        code: 'REQUEST_RAISE_FAILED',
        message: expect.stringContaining('not raised in topic: chat is down'),
      },
      { target: `vpcep:${OTHER_SERVICE}`, code: 'EndPoint.2003', message: expect.any(String) },
    ]);
    expect(raises).toBe(2);
    expect(raised.map((r) => r.endpointId)).toEqual([STRANGER_EP]);
  });

  it('raises a request again at the next sweep when raising it failed, not only at the reminder', async () => {
    let chatDown = true;
    const flaky = deps('', {
      channels: [
        channel(async (request) => {
          if (chatDown) throw new Error('chat is down');
          raised.push(request);
        }),
      ],
    });

    const failed = await sweep([TARGET], flaky);
    chatDown = false;
    now = new Date(now.getTime() + 5 * 60_000);
    const next = await sweep([TARGET], flaky);

    expect(failed.errors.map((e) => e.endpointId).sort()).toEqual([TRUSTED_EP, STRANGER_EP].sort());
    expect(next.errors).toEqual([]);
    expect(raised.map((r) => [r.endpointId, r.reminder]).sort()).toEqual(
      [
        [TRUSTED_EP, 0],
        [STRANGER_EP, 0],
      ].sort(),
    );
  });

  it('writes nothing to the ledger on a sweep that finds everyone asked and no reminder due', async () => {
    const commands: string[] = [];
    const real = dynamo.client();
    const counted = {
      send: ((command: { constructor: { name: string } }) => {
        commands.push(command.constructor.name);
        return real.send(command as never);
      }) as typeof real.send,
    };
    const ledger = dynamoDbLedger({ client: counted, tableName: dynamo.tableName, clock: () => now });
    await sweep([TARGET], deps('', { ledger }));
    commands.length = 0;

    const again = await sweep([TARGET], deps('', { ledger }));

    expect(again.waiting).toBe(2);
    expect(commands).toEqual(['QueryCommand']);
  });

  it("tells people whether the account is on the service's whitelist, and says nothing when it cannot be read", async () => {
    h.sim.seed({ kind: 'vpcep', projectId: PROJECT_ID, targetId: SERVICE_ID, permissions: [STRANGER] });
    await sweep([TARGET], deps(TRUST));
    expect(raised.map((r) => [r.endpointId, r.whitelisted])).toEqual([[STRANGER_EP, true]]);

    // Another service whose whitelist read is refused (an AK/SK without the right): the request is
    // still raised, without `whitelisted`, and the sweep reports why.
    h.sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: OTHER_SERVICE,
      connections: [{ id: OLD_EP, domainId: STRANGER }],
    });
    h.sim.inject({
      op: 'vpcep.permissions',
      times: 1,
      fault: { type: 'status', httpStatus: 403, errorCode: 'EndPoint.0004' },
    });
    const report = await sweep([`vpcep:${OTHER_SERVICE}`], deps(TRUST));
    const other = raised.find((r) => r.endpointId === OLD_EP);
    expect(other).toBeDefined();
    expect(other).not.toHaveProperty('whitelisted');
    expect(report.errors).toEqual([
      expect.objectContaining({ target: `vpcep:${OTHER_SERVICE}`, code: expect.any(String) }),
    ]);
    expect(report.requested).toHaveLength(1);
  });
});
