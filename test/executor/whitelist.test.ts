import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutcomeSchema } from '../../lib/decision/outcome-schema.ts';
import { type AnyDecisionInput, parseDecision } from '../../lib/decision/schema.ts';
import { type ExecuteOptions, executeDecision } from '../../lib/executor/execute.ts';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import type { Ledger } from '../../lib/ledger/ledger.ts';
import { runCliWith } from '../helpers/cli.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { endpointIds, INSTANCE_ID, PROJECT_ID, REGION, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const TARGET = `vpcep:${SERVICE_ID}`;
const PARTNER = 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b';
const OTHER = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';
const [PARTNER_ACCEPTED, PARTNER_PENDING, OTHER_ACCEPTED] = endpointIds(3) as [string, string, string];
const vpcep = { type: 'vpcep' as const, serviceId: SERVICE_ID, projectId: PROJECT_ID, region: REGION };

let h: Harness;
let dynamo: LocalDynamo;
let ledger: Ledger;

beforeEach(async () => {
  [h, dynamo] = await Promise.all([startHarness(), startDynalite()]);
  ledger = dynamoDbLedger({ client: dynamo.client(), tableName: dynamo.tableName });
  h.sim.seed({
    kind: 'vpcep',
    projectId: PROJECT_ID,
    targetId: SERVICE_ID,
    permissions: [PARTNER, OTHER],
    connections: [
      { id: PARTNER_ACCEPTED, domainId: PARTNER, status: 'accepted' },
      { id: PARTNER_PENDING, domainId: PARTNER },
      { id: OTHER_ACCEPTED, domainId: OTHER, status: 'accepted' },
    ],
  });
});
afterEach(async () => {
  await Promise.all([h.close(), dynamo.close()]);
});

async function run(input: AnyDecisionInput, options: ExecuteOptions = {}) {
  const parsed = parseDecision(input);
  if (!parsed.ok) throw new Error(`invalid test decision: ${JSON.stringify(parsed.issues)}`);
  const outcome = await executeDecision(
    parsed.decision,
    { client: h.runtime.client, config: h.config, logger: h.logger, ledger },
    options,
  );
  const checked = OutcomeSchema.safeParse(outcome);
  if (!checked.success)
    throw new Error(`outcome breaks OutcomeSchema: ${JSON.stringify(checked.error.issues)}`);
  return outcome;
}

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
const status = (id: string) => h.sim.connection('vpcep', PROJECT_ID, SERVICE_ID, id)?.status;
const whitelist = () => [...(h.sim.permissions('vpcep', PROJECT_ID, SERVICE_ID) ?? [])].sort();

describe('revoke', () => {
  it('removes the account from the whitelist and rejects its accepted and pending connections, no one else’s', async () => {
    const outcome = await run({
      id: 'OFFBOARD-7',
      action: 'revoke',
      target: vpcep,
      accounts: [PARTNER.toUpperCase()],
    });

    expect(outcome.status).toBe('succeeded');
    expect(whitelist()).toEqual([OTHER]);
    expect([status(PARTNER_ACCEPTED), status(PARTNER_PENDING), status(OTHER_ACCEPTED)]).toEqual([
      'rejected',
      'rejected',
      'accepted',
    ]);
    expect(outcome.accounts).toEqual([
      {
        domainId: PARTNER,
        status: 'revoked',
        changed: true,
        attempts: 1,
        endpoints: [PARTNER_ACCEPTED, PARTNER_PENDING],
      },
    ]);
    expect(outcome.results.map((r) => [r.endpointId, r.previousStatus, r.status])).toEqual([
      [PARTNER_ACCEPTED, 'accepted', 'rejected'],
      [PARTNER_PENDING, 'pendingAcceptance', 'rejected'],
    ]);
    // Who decided is written into the VPCEP connections it rejected, as a reject writes it.
    expect(h.sim.connection('vpcep', PROJECT_ID, SERVICE_ID, PARTNER_ACCEPTED)?.description).toContain(
      'OFFBOARD-7',
    );
    // Recorded on the account's entry and on each connection, so no later sweep takes them for drift.
    const history = await ledger.history(TARGET);
    expect(history.map((d) => [d.endpointId, d.action, d.status]).sort()).toEqual(
      [
        [`account:${PARTNER}`, 'revoke', 'revoked'],
        [PARTNER_ACCEPTED, 'reject', 'rejected'],
        [PARTNER_PENDING, 'reject', 'rejected'],
      ].sort(),
    );
  });

  it('makes no call at all in a dry run, and says what it would change', async () => {
    const outcome = await run(
      { id: 'OFFBOARD-8', action: 'revoke', target: vpcep, accounts: [PARTNER] },
      { dryRun: true },
    );

    expect(outcome).toMatchObject({ dryRun: true, status: 'succeeded' });
    expect(outcome.accounts?.[0]).toMatchObject({ domainId: PARTNER, status: 'permitted', changed: true });
    expect(outcome.results.map((r) => r.endpointId)).toEqual([PARTNER_ACCEPTED, PARTNER_PENDING]);
    expect(h.sim.calls.filter((c) => c.method === 'POST')).toEqual([]);
    expect(whitelist()).toEqual([OTHER, PARTNER].sort());
  });
});

describe('permit', () => {
  const NEWCOMER = '11112222333344445555666677778888';

  it('adds the account; with acceptPending also accepts its pending connections, and a repeat calls nothing', async () => {
    const [mine] = endpointIds(1) as [string];
    h.sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
      connections: [{ id: mine, domainId: NEWCOMER }],
    });

    const outcome = await run({
      id: 'ONBOARD-1',
      action: 'permit',
      target: vpcep,
      accounts: [NEWCOMER],
      acceptPending: true,
    });

    expect(outcome.status).toBe('succeeded');
    expect(whitelist()).toContain(NEWCOMER);
    expect(status(mine)).toBe('accepted');
    // The partner's pending connection is not the newcomer's: untouched.
    expect(status(PARTNER_PENDING)).toBe('pendingAcceptance');
    expect(outcome.accounts).toEqual([
      { domainId: NEWCOMER, status: 'permitted', changed: true, attempts: 1, endpoints: [mine] },
    ]);

    h.sim.resetCalls();
    const again = await run({ id: 'ONBOARD-2', action: 'permit', target: vpcep, accounts: [NEWCOMER] });
    expect(again.accounts?.[0]).toMatchObject({ status: 'permitted', changed: false, attempts: 0 });
    expect(h.sim.calls.map((c) => c.op)).toEqual(['vpcep.permissions']);
  });

  it('is superseded on an account whose entry a later decision governs', async () => {
    await run({
      id: 'LATER',
      action: 'revoke',
      target: vpcep,
      accounts: [OTHER],
      decidedAt: hoursAgo(1),
    });
    h.sim.resetCalls();

    const outcome = await run({
      id: 'EARLIER',
      action: 'permit',
      target: vpcep,
      accounts: [OTHER],
      decidedAt: hoursAgo(2),
    });

    expect(outcome.status).toBe('superseded');
    expect(outcome.accounts?.[0]?.error?.message).toContain('LATER');
    expect(h.sim.calls.filter((c) => c.method === 'POST')).toEqual([]);
    expect(whitelist()).toEqual([PARTNER]);
  });

  it('adds on APIG through batch-add', async () => {
    h.sim.seed({ kind: 'apig', projectId: PROJECT_ID, targetId: INSTANCE_ID });
    const outcome = await run({
      id: 'ONBOARD-APIG',
      action: 'permit',
      target: { type: 'apig', instanceId: INSTANCE_ID, projectId: PROJECT_ID, region: REGION },
      accounts: [NEWCOMER, PARTNER],
    });

    expect(outcome.status).toBe('succeeded');
    expect([...(h.sim.permissions('apig', PROJECT_ID, INSTANCE_ID) ?? [])].sort()).toEqual(
      [NEWCOMER, PARTNER].sort(),
    );
    expect(h.sim.calls.filter((c) => c.method === 'POST').map((c) => c.op)).toEqual(['apig.permissions.add']);
  });

  it('fails per account with the API error, and records nothing', async () => {
    h.sim.inject({
      op: 'vpcep.permissions.add',
      times: 5,
      fault: { type: 'status', httpStatus: 403, errorCode: 'EndPoint.0004' },
    });

    const outcome = await run({ id: 'ONBOARD-3', action: 'permit', target: vpcep, accounts: [NEWCOMER] });

    expect(outcome.status).toBe('failed');
    expect(outcome.accounts?.[0]).toMatchObject({
      domainId: NEWCOMER,
      status: 'failed',
      error: { code: 'EndPoint.0004' },
    });
    expect(await ledger.history(TARGET)).toEqual([]);
  });
});

describe('a decision on accounts', () => {
  it('runs from the CLI like any decision: exit 0, the outcome per account as JSON', async () => {
    const decision = { id: 'CLI-REVOKE', action: 'revoke', target: vpcep, accounts: [OTHER] };
    const run = await runCliWith(
      ['decide', '--file', '-', '--output', 'json'],
      h.env,
      JSON.stringify(decision),
    );

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      action: 'revoke',
      status: 'succeeded',
      accounts: [{ domainId: OTHER, status: 'revoked', endpoints: [OTHER_ACCEPTED] }],
      results: [{ endpointId: OTHER_ACCEPTED, status: 'rejected' }],
    });
  });

  it('parses beside accept/reject, and refuses what does not belong to it', () => {
    expect(parseDecision({ id: 'P', action: 'permit', target: vpcep, accounts: [PARTNER] }).ok).toBe(true);
    const bad = (input: unknown) => {
      const parsed = parseDecision(input);
      return parsed.ok ? [] : parsed.issues;
    };
    expect(
      bad({ id: 'R', action: 'revoke', target: vpcep, accounts: [PARTNER], acceptPending: true }),
    ).toEqual([{ path: 'acceptPending', message: 'only a permit accepts pending connections' }]);
    expect(bad({ id: 'R', action: 'allow', target: vpcep, endpoints: [PARTNER_PENDING] })).toEqual([
      { path: 'action', message: 'must be accept, reject, permit or revoke' },
    ]);
    expect(bad({ id: 'R', action: 'revoke', target: vpcep, accounts: ['nothex'] })).toEqual([
      { path: 'accounts[0]', message: 'must be 32 hex characters' },
    ]);
    expect(
      bad({ id: 'R', action: 'permit', target: vpcep, accounts: [PARTNER, PARTNER.toUpperCase()] }),
    ).toEqual([{ path: 'accounts[1]', message: `duplicate account ${PARTNER}` }]);
    expect(
      bad({ id: 'R', action: 'permit', target: vpcep, accounts: [], endpoints: [PARTNER_PENDING] }),
    ).toEqual([
      { path: 'accounts', message: 'must list at least one account' },
      { path: 'endpoints', message: 'unknown field' },
    ]);
    expect(bad({ id: 'R', action: 'permit', target: vpcep, accounts: Array(51).fill(PARTNER) })[0]).toEqual({
      path: 'accounts',
      message: 'must list at most 50 accounts',
    });
  });
});
