/**
 * The sweep's later steps against the simulator and a local DynamoDB: drift, whitelist upkeep,
 * reconcile and the per-target measures, through the real sweep with its `afterTarget` hook.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnyDecision, parseDecision } from '../../lib/decision/schema.ts';
import { executeDecision } from '../../lib/executor/execute.ts';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import type { AppliedDecision, Ledger } from '../../lib/ledger/ledger.ts';
import { UNRECORDED_LIFECYCLE } from '../../lib/ledger/request-lifecycle.ts';
import type { MetricName } from '../../lib/metrics.ts';
import { NO_RULES, parseRules } from '../../lib/rules/schema.ts';
import type { SweepEvent } from '../../lib/sweeper/events.ts';
import { huaweiListing } from '../../lib/sweeper/huawei-listing.ts';
import {
  huaweiTargetReader,
  ownAccountLocation,
  ownAccountResolver,
} from '../../lib/sweeper/huawei-target.ts';
import { targetSteps } from '../../lib/sweeper/steps.ts';
import { sweep } from '../../lib/sweeper/sweep.ts';
import { runCliWith } from '../helpers/cli.ts';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { endpointIds, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const TARGET = `vpcep:${SERVICE_ID}`;
const OWNER = 'ffffeeeeddddccccbbbbaaaa99998888';
const TRUSTED = 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b';
const STRANGER = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';
const BANNED = '99990000111122223333444455556666';
const [T1, T2, T3, S1, B1] = endpointIds(5) as [string, string, string, string, string];

let h: Harness;
let dynamo: LocalDynamo;
let ledger: Ledger;
let now: Date;
let queued: AnyDecision[];
let events: SweepEvent[];
let metrics: Array<[MetricName, number | undefined]>;

beforeEach(async () => {
  [h, dynamo] = await Promise.all([startHarness(), startDynalite()]);
  ledger = dynamoDbLedger({ client: dynamo.client(), tableName: dynamo.tableName, clock: () => now });
  now = new Date();
  queued = [];
  events = [];
  metrics = [];
  h.sim.seed({
    kind: 'vpcep',
    projectId: PROJECT_ID,
    targetId: SERVICE_ID,
    permissions: [TRUSTED, STRANGER],
    connections: [
      { id: T1, domainId: TRUSTED, status: 'accepted', createdAt: '2026-11-01T00:00:00Z' },
      { id: T2, domainId: TRUSTED, status: 'accepted', createdAt: '2026-11-02T00:00:00Z' },
      { id: T3, domainId: TRUSTED, status: 'accepted', createdAt: '2026-11-03T00:00:00Z' },
      { id: S1, domainId: STRANGER, createdAt: new Date(now.getTime() - 90_000).toISOString() },
      { id: B1, domainId: BANNED, status: 'accepted', createdAt: '2026-11-01T00:00:00Z' },
    ],
  });
});
afterEach(async () => {
  await Promise.all([h.close(), dynamo.close()]);
});

async function sweepOnce(
  rules: object,
  options: { owner?: string; publishFails?: boolean } = { owner: OWNER },
) {
  const steps = targetSteps({
    readTarget: huaweiTargetReader({
      client: h.runtime.client,
      resolve: ownAccountResolver(h.config.huawei),
      deadlineMs: 10_000,
    }),
    locate: ownAccountLocation(h.config.huawei, options.owner),
    ledger,
    async enqueue(input) {
      const parsed = parseDecision(input);
      if (!parsed.ok)
        throw new Error(`the sweep queued an invalid decision: ${JSON.stringify(parsed.issues)}`);
      queued.push(parsed.decision);
    },
    async publish(event) {
      if (options.publishFails === true) throw new Error('topic down');
      events.push(event);
    },
    metrics: { count: (name, value) => metrics.push([name, value]) },
    clock: () => now,
  });
  inForce = parseRules(JSON.stringify({ targets: { [TARGET]: rules } }));
  const report = await sweep([TARGET], {
    listPending: huaweiListing({ client: h.runtime.client, huawei: h.config.huawei, deadlineMs: 10_000 }),
    ledger,
    rules: inForce,
    enqueue: async () => undefined,
    // No approval request is raised in these steps' tests: nothing asks people.
    lifecycle: UNRECORDED_LIFECYCLE,
    channels: [],
    clock: () => now,
    reminderIntervalMs: 3_600_000,
    afterTarget: steps.run,
  });
  expect(report.errors).toEqual([]);
  return steps.report;
}

/** The rules of the last sweep: the worker applies the same. */
let inForce = NO_RULES;

/** Runs what the sweep queued, as the worker would, against the same ledger and rules. */
async function applyQueued() {
  for (const decision of queued.splice(0))
    await executeDecision(
      decision,
      { client: h.runtime.client, config: h.config, ledger, authority: { rules: inForce } },
      { carrierTime: now },
    );
}

const later = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

describe('drift', () => {
  it('adopts the first sweep in one baseline event, then reports each change behind our back once', async () => {
    await sweepOnce({});
    expect(events).toEqual([
      expect.objectContaining({
        eventType: 'drift.detected',
        kind: 'baseline',
        target: TARGET,
        account: OWNER,
        region: 'cn-north-4',
        counts: { accepted: 4, rejected: 0, pending: 1, whitelisted: 2 },
      }),
    ]);

    // The console accepts the stranger's connection and removes the trusted account's entry.
    const s1 = h.sim.connection('vpcep', PROJECT_ID, SERVICE_ID, S1);
    if (s1 !== undefined) s1.status = 'accepted';
    h.sim.changePermissions({ kind: 'vpcep', projectId: PROJECT_ID, targetId: SERVICE_ID }, false, [TRUSTED]);
    events = [];
    later(60_000);
    const second = await sweepOnce({});
    later(60_000);
    const third = await sweepOnce({});

    expect(events).toEqual([
      {
        eventType: 'drift.detected',
        target: TARGET,
        account: OWNER,
        region: 'cn-north-4',
        detectedAt: second.drift[0]?.detectedAt,
        kind: 'connection',
        endpointId: S1,
        domainId: STRANGER,
        status: 'accepted',
        lastDecision: null,
      },
      expect.objectContaining({
        kind: 'whitelist',
        domainId: TRUSTED,
        status: 'removed',
        lastDecision: expect.objectContaining({ action: 'external', requestedBy: 'baseline' }),
      }),
    ]);
    expect(third.drift).toEqual([]);
    expect(metrics.filter(([name]) => name === 'Drift').map(([, v]) => v)).toEqual([0, 2, 0]);
    // `history` shows them as external.
    const history = await runCliWith(['history', '--target', TARGET, '--endpoint', S1], {
      ...h.env,
      LEDGER_TABLE_NAME: dynamo.tableName,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    });
    expect(
      JSON.parse(history.stdout).decisions.map((d: AppliedDecision) => [d.action, d.requestedBy, d.status]),
    ).toEqual([['external', 'external', 'accepted']]);
  });

  it('goes on with the other steps when the topic fails, and adopts again at the next sweep', async () => {
    const NEW_TRUSTED = '12341234123412341234123412341234';
    const rules = { autoAccept: [NEW_TRUSTED], manageWhitelist: true };
    const failed = await sweepOnce(rules, { owner: OWNER, publishFails: true });

    expect(failed.errors).toEqual([
      { target: TARGET, step: 'drift', code: 'INTERNAL_ERROR', message: 'topic down' },
    ]);
    expect(queued.map((d) => d.action)).toEqual(['permit']);
    later(60_000);
    await sweepOnce(rules);
    expect(events.map((e) => ('kind' in e ? e.kind : e.eventType))).toEqual(['baseline']);
  });

  it('takes no change a decision of ours made for drift', async () => {
    await sweepOnce({});
    events = [];
    later(60_000);
    const parsed = parseDecision({
      id: 'OFFBOARD',
      action: 'revoke',
      target: { type: 'vpcep', serviceId: SERVICE_ID },
      accounts: [TRUSTED],
    });
    if (!parsed.ok) throw new Error('fixture');
    await executeDecision(
      parsed.decision,
      { client: h.runtime.client, config: h.config, ledger },
      { carrierTime: now },
    );
    later(60_000);

    await sweepOnce({});

    expect(events).toEqual([]);
  });
});

describe('whitelist upkeep', () => {
  const NEW_TRUSTED = '12341234123412341234123412341234';

  it('queues a permit for each autoAccept account missing from the whitelist, as a rule decision', async () => {
    const report = await sweepOnce({ autoAccept: [TRUSTED, NEW_TRUSTED], manageWhitelist: true });

    expect(queued).toEqual([
      {
        id: `rules:permit:${SERVICE_ID}:${NEW_TRUSTED}`,
        action: 'permit',
        target: { type: 'vpcep', serviceId: SERVICE_ID },
        accounts: [NEW_TRUSTED],
        reason: `account ${NEW_TRUSTED} is in autoAccept and missing from the whitelist`,
        requestedBy: 'rule:manageWhitelist',
        source: { system: 'rules', ref: 'manageWhitelist' },
      },
    ]);
    expect(report.whitelist).toEqual([
      { target: TARGET, action: 'permit', domainId: NEW_TRUSTED, decisionId: queued[0]?.id },
    ]);
    await applyQueued();
    expect(h.sim.permissions('vpcep', PROJECT_ID, SERVICE_ID)?.has(NEW_TRUSTED)).toBe(true);
    expect((await ledger.lastDecision(TARGET, `account:${NEW_TRUSTED}`))?.requestedBy).toBe(
      'rule:manageWhitelist',
    );
    later(60_000);
    await sweepOnce({ autoAccept: [TRUSTED, NEW_TRUSTED], manageWhitelist: true });
    // Applied: nothing more to queue, and no drift either.
    expect(queued).toEqual([]);
    expect(events.filter((e) => !('kind' in e && e.kind === 'baseline'))).toEqual([]);
  });

  it('with exclusiveWhitelist revokes accounts neither trusted nor approved, keeping the owner and those waiting', async () => {
    const INTRUDER = '77776666555544443333222211110000';
    h.sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
      permissions: [OWNER, INTRUDER],
    });

    await sweepOnce({ autoAccept: [TRUSTED], manageWhitelist: true, exclusiveWhitelist: true });

    // STRANGER has a pending connection people are asked about: kept for now.
    expect(queued.map((d) => [d.action, 'accounts' in d ? d.accounts : []])).toEqual([
      ['revoke', [INTRUDER]],
    ]);
  });

  it('removes nothing when the owner is not known, and says why', async () => {
    const report = await sweepOnce(
      { autoAccept: [TRUSTED], manageWhitelist: true, exclusiveWhitelist: true },
      {},
    );

    expect(queued).toEqual([]);
    expect(report.problems).toEqual([
      { target: TARGET, message: expect.stringContaining("owner's account") },
    ]);
  });
});

describe('reconcile', () => {
  const rules = { autoAccept: [TRUSTED], autoReject: [BANNED], maxConnectionsPerAccount: 2 };

  it('off: reports each violation as a policy.violation event once, and changes nothing', async () => {
    const first = await sweepOnce(rules);
    later(60_000);
    const second = await sweepOnce(rules);

    expect(first.violations.map((v) => [v.endpointId, v.rule])).toEqual([
      [T3, 'maxConnectionsPerAccount'],
      [B1, 'autoReject'],
    ]);
    expect(events.filter((e) => e.eventType === 'policy.violation')).toHaveLength(2);
    expect(events.find((e) => e.eventType === 'policy.violation')).toMatchObject({
      target: TARGET,
      account: OWNER,
      region: 'cn-north-4',
      endpointId: T3,
      domainId: TRUSTED,
      rule: 'maxConnectionsPerAccount',
    });
    expect(second.violations).toEqual([]);
    expect(queued).toEqual([]);
    expect(h.sim.connection('vpcep', PROJECT_ID, SERVICE_ID, B1)?.status).toBe('accepted');
  });

  it('on: rejects them by rule decisions, keeping the oldest connections within the limit', async () => {
    const report = await sweepOnce({ ...rules, reconcile: true });

    expect(report.reconciled.map((r) => [r.endpointId, r.rule])).toEqual([
      [T3, 'maxConnectionsPerAccount'],
      [B1, 'autoReject'],
    ]);
    expect(queued[0]).toMatchObject({
      id: `reconcile:reject:${T3}`,
      action: 'reject',
      endpoints: [T3],
      requestedBy: 'rule:reconcile',
      source: { system: 'rules', ref: 'maxConnectionsPerAccount' },
    });
    await applyQueued();
    const status = (id: string) => h.sim.connection('vpcep', PROJECT_ID, SERVICE_ID, id)?.status;
    expect([T1, T2, T3, B1].map(status)).toEqual(['accepted', 'accepted', 'rejected', 'rejected']);
    expect(events.filter((e) => e.eventType === 'policy.violation')).toEqual([]);
  });
});

describe('measures', () => {
  it('records pending connections and the oldest one’s age per target', async () => {
    const report = await sweepOnce({});

    expect(report.measures).toEqual([{ target: TARGET, pending: 1, oldestPendingAgeSeconds: 90, drift: 0 }]);
    expect(metrics).toEqual([
      ['PendingConnections', 1],
      ['OldestPendingAgeSeconds', 90],
      ['OldestPendingAgeSeconds', 90],
      ['Drift', 0],
    ]);
  });
});
