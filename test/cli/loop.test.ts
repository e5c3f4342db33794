import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { runCliWith } from '../helpers/cli.ts';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { aDecision, ENDPOINT_ID, endpointIds, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const TRUSTED = 'a'.repeat(32);
const BLOCKED = 'b'.repeat(32);
const STRANGER = 'c'.repeat(32);
const TARGET = `vpcep:${SERVICE_ID}`;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

function seed(connections: Array<{ id: string; status: string; domainId?: string; createdAt?: string }>) {
  h.sim.seed({ kind: 'vpcep', projectId: PROJECT_ID, targetId: SERVICE_ID, connections });
}

describe('vpcep-approval pending', () => {
  const rules = JSON.stringify({
    targets: {
      [TARGET]: { autoAccept: [TRUSTED], autoReject: [BLOCKED], maxConnectionsPerAccount: 2 },
      '*': { rejectPendingAfterHours: 72 },
    },
  });

  it('lists pending connections with their accounts and what the rules would do', async () => {
    const [trusted, blocked, stranger, old, held] = endpointIds(5) as [
      string,
      string,
      string,
      string,
      string,
    ];
    const recent = new Date(Date.now() - 3_600_000).toISOString();
    seed([
      { id: trusted, status: 'pendingAcceptance', domainId: TRUSTED, createdAt: recent },
      { id: blocked, status: 'pendingAcceptance', domainId: BLOCKED, createdAt: recent },
      { id: stranger, status: 'pendingAcceptance', domainId: STRANGER, createdAt: recent },
      { id: old, status: 'pendingAcceptance', domainId: STRANGER, createdAt: '2020-01-01T00:00:00Z' },
      { id: held, status: 'accepted', domainId: TRUSTED, createdAt: recent },
    ]);

    const run = await runCliWith(['pending', '--target', TARGET], { ...h.env, VPCEP_APPROVAL_RULES: rules });

    expect(run.code).toBe(0);
    const [listed] = JSON.parse(run.stdout).targets;
    expect(listed.target).toBe(TARGET);
    const byId = new Map(listed.connections.map((c: { endpointId: string }) => [c.endpointId, c]));
    expect(byId.get(trusted)).toMatchObject({ domainId: TRUSTED, would: 'accept', rule: 'autoAccept' });
    expect(byId.get(blocked)).toMatchObject({ domainId: BLOCKED, would: 'reject', rule: 'autoReject' });
    expect(byId.get(stranger)).toMatchObject({ would: 'ask', rule: 'askPeople', approvalsRequired: 1 });
    expect(byId.get(old)).toMatchObject({ would: 'reject', rule: 'rejectPendingAfterHours' });
    expect(byId.has(held)).toBe(false);
    // Read only: nothing was decided.
    expect(h.sim.countCalls('vpcep.action')).toBe(0);
  });

  it('asks about a trusted account at its connection limit', async () => {
    const ids = endpointIds(3);
    seed([
      { id: ids[0] as string, status: 'accepted', domainId: TRUSTED },
      { id: ids[1] as string, status: 'accepted', domainId: TRUSTED },
      { id: ids[2] as string, status: 'pendingAcceptance', domainId: TRUSTED },
    ]);

    const run = await runCliWith(['pending', '--target', TARGET], { ...h.env, VPCEP_APPROVAL_RULES: rules });

    expect(JSON.parse(run.stdout).targets[0].connections).toEqual([
      expect.objectContaining({ endpointId: ids[2], would: 'ask', rule: 'maxConnectionsPerAccount' }),
    ]);
  });

  it('without --target, lists every target the rules name; on a terminal, a table', async () => {
    seed([{ id: ENDPOINT_ID, status: 'pendingAcceptance', domainId: BLOCKED }]);

    const run = await runCliWith(['pending'], { ...h.env, VPCEP_APPROVAL_RULES: rules }, '', { isTTY: true });

    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`${TARGET}: 1 pending`);
    expect(lines[1]).toMatch(/^ENDPOINT +ACCOUNT +SINCE +WOULD +RULE +WHY$/);
    expect(lines[2]).toMatch(new RegExp(`^${ENDPOINT_ID} +${BLOCKED} +\\S+ +reject +autoReject +account`));
  });

  it('exits 2 naming the variable for bad rules, and --target when there is no target at all', async () => {
    const bad = await runCliWith(['pending'], { ...h.env, VPCEP_APPROVAL_RULES: '{"targets":{"x":{}}}' });
    const none = await runCliWith(['pending'], h.env);

    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('VPCEP_APPROVAL_RULES');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--target');
    expect(h.sim.calls).toHaveLength(0);
  });

  it('exits 1 when a target cannot be listed, still printing the others', async () => {
    h.sim.inject({
      op: 'vpcep.list',
      times: 10,
      fault: { type: 'status', httpStatus: 403, errorCode: 'VPCEP.0403' },
    });

    const run = await runCliWith(['pending', '--target', TARGET], h.env);

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).targets[0]).toMatchObject({
      target: TARGET,
      error: { code: expect.any(String) },
    });
  });
});

describe('vpcep-approval history', () => {
  let dynamo: LocalDynamo;
  beforeEach(async () => {
    dynamo = await startDynalite();
  });
  afterEach(async () => {
    await dynamo.close();
  });

  const ledgerEnv = () => ({
    LEDGER_TABLE_NAME: dynamo.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
  });

  async function decisionFile(content: unknown): Promise<string> {
    const path = join(await mkdtemp(join(tmpdir(), 'vpcep-cli-')), 'decision.json');
    await writeFile(path, JSON.stringify(content));
    return path;
  }

  it('shows the decisions decide applied, read from the ledger', async () => {
    const [other] = endpointIds(1) as [string];
    seed([
      { id: ENDPOINT_ID, status: 'pendingAcceptance' },
      { id: other, status: 'pendingAcceptance' },
    ]);
    const env = { ...h.env, ...ledgerEnv() };
    const accepted = await runCliWith(
      ['decide', '--file', await decisionFile(aDecision({ endpoints: [ENDPOINT_ID, other] }))],
      env,
    );
    expect(accepted.code).toBe(0);
    const rejected = await runCliWith(
      ['decide', '--file', await decisionFile(aDecision({ id: 'CHG-2000', action: 'reject' }))],
      env,
    );
    expect(rejected.code).toBe(0);

    const all = await runCliWith(['history', '--target', TARGET], env);
    const one = await runCliWith(['history', '--target', TARGET, '--endpoint', ENDPOINT_ID], env);

    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout).decisions).toHaveLength(3);
    const decisions = JSON.parse(one.stdout).decisions;
    expect(decisions.map((d: { decisionId: string; action: string }) => [d.decisionId, d.action])).toEqual([
      ['CHG-1042', 'accept'],
      ['CHG-2000', 'reject'],
    ]);
    expect(decisions[0]).toMatchObject({
      requestedBy: 'alice@example.com',
      source: { system: 'jira', ref: 'CHG-1042' },
      status: 'accepted',
    });
  });

  it('refuses through decide an accept decided before a reject already applied: superseded, exit 1', async () => {
    seed([{ id: ENDPOINT_ID, status: 'pendingAcceptance' }]);
    const env = { ...h.env, ...ledgerEnv() };
    await runCliWith(
      ['decide', '--file', await decisionFile(aDecision({ id: 'CHG-2', action: 'reject' }))],
      env,
    );
    const before = h.sim.countCalls('vpcep.action');

    const late = await runCliWith(
      [
        'decide',
        '--file',
        await decisionFile(
          aDecision({ id: 'CHG-1', decidedAt: new Date(Date.now() - 60_000).toISOString() }),
        ),
      ],
      env,
    );

    expect(late.code).toBe(1);
    expect(JSON.parse(late.stdout).status).toBe('superseded');
    expect(h.sim.countCalls('vpcep.action')).toBe(before);
  });

  it('prints a table on a terminal', async () => {
    const ledger = dynamoDbLedger({ client: dynamo.client(), tableName: dynamo.tableName });
    await ledger.recordDecision({
      decisionId: 'CHG-7',
      action: 'reject',
      target: TARGET,
      endpointId: ENDPOINT_ID,
      requestedBy: 'bob@example.com',
      approvedBy: ['slack:U1'],
      source: { system: 'servicenow', ref: 'CHG0007' },
      huaweiRequestIds: ['r-1'],
      status: 'rejected',
      appliedAt: '2026-11-26T10:00:01.000Z',
      decidedAt: '2026-11-26T10:00:00.000Z',
    });

    const run = await runCliWith(['history', '--target', TARGET], { ...h.env, ...ledgerEnv() }, '', {
      isTTY: true,
    });

    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`${TARGET}: 1 decision`);
    expect(lines[1]).toMatch(/^DECIDED +ENDPOINT +ACTION +STATUS +DECISION +ASKED BY +DECIDED BY +SOURCE$/);
    expect(lines[2]).toMatch(
      new RegExp(
        `^2026-11-26T10:00:00.000Z +${ENDPOINT_ID} +reject +rejected +CHG-7 +bob@example.com +slack:U1 +servicenow CHG0007$`,
      ),
    );
  });

  it('without LEDGER_TABLE_NAME exits 2 naming it; other commands work as before', async () => {
    seed([{ id: ENDPOINT_ID, status: 'pendingAcceptance' }]);

    const history = await runCliWith(['history', '--target', TARGET], h.env);
    const status = await runCliWith(['status', '--target', TARGET], h.env);

    expect(history.code).toBe(2);
    expect(history.stderr).toContain('LEDGER_TABLE_NAME');
    expect(history.stdout).toBe('');
    expect(status.code).toBe(0);
  });

  it('exits 2 naming VPCEP_APPROVAL_DESCRIBE or the age limit when set to nonsense, with no call', async () => {
    seed([{ id: ENDPOINT_ID, status: 'pendingAcceptance' }]);
    const path = await decisionFile(aDecision());

    const describe = await runCliWith(['decide', '--file', path], {
      ...h.env,
      VPCEP_APPROVAL_DESCRIBE: 'maybe',
    });
    const age = await runCliWith(['decide', '--file', path], {
      ...h.env,
      VPCEP_APPROVAL_MAX_DECISION_AGE_MS: '5',
    });

    expect([describe.code, age.code]).toEqual([2, 2]);
    expect(describe.stderr).toContain('VPCEP_APPROVAL_DESCRIBE');
    expect(age.stderr).toContain('VPCEP_APPROVAL_MAX_DECISION_AGE_MS');
    expect(h.sim.calls).toHaveLength(0);
  });

  it('writes no description with VPCEP_APPROVAL_DESCRIBE=false, and one by default', async () => {
    const [first, second] = endpointIds(2) as [string, string];
    seed([
      { id: first, status: 'pendingAcceptance' },
      { id: second, status: 'pendingAcceptance' },
    ]);

    await runCliWith(['decide', '--file', await decisionFile(aDecision({ endpoints: [first] }))], {
      ...h.env,
      VPCEP_APPROVAL_DESCRIBE: 'false',
    });
    await runCliWith(
      ['decide', '--file', await decisionFile(aDecision({ id: 'CHG-2', endpoints: [second] }))],
      h.env,
    );

    expect(h.sim.connection('vpcep', PROJECT_ID, SERVICE_ID, first)?.description).toBeUndefined();
    expect(h.sim.connection('vpcep', PROJECT_ID, SERVICE_ID, second)?.description).toContain(
      '(decision CHG-2)',
    );
  });

  it('exits 2 for a bad --target or --endpoint, 1 when the ledger cannot be read', async () => {
    const env = { ...h.env, ...ledgerEnv() };
    const badTarget = await runCliWith(['history', '--target', 'vpcep:nope'], env);
    const badEndpoint = await runCliWith(['history', '--target', TARGET, '--endpoint', 'x'], env);
    const missingTable = await runCliWith(['history', '--target', TARGET], {
      ...env,
      LEDGER_TABLE_NAME: 'no-such-table',
    });

    expect([badTarget.code, badEndpoint.code, missingTable.code]).toEqual([2, 2, 1]);
    expect(badTarget.stderr).toContain('--target');
    expect(badEndpoint.stderr).toContain('--endpoint');
    expect(missingTable.stderr).toContain('LEDGER_UNAVAILABLE');
  });

  it('explains a ledger it cannot reach: the variable, the region, the endpoint it tried; exit 1', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const run = await runCliWith(['history', '--target', TARGET], {
      LEDGER_TABLE_NAME: 'vpcep-approval-ledger',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
    });

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^history could not read the ledger: LEDGER_UNAVAILABLE: .*ECONNREFUSED/);
    expect(lines.slice(1)).toEqual([
      '  table        vpcep-approval-ledger (LEDGER_TABLE_NAME)',
      '  region       eu-west-1 (AWS_REGION)',
      `  endpoint     http://127.0.0.1:${port} (AWS_ENDPOINT_URL_DYNAMODB)`,
      '  credentials  placeholders (none set; a DynamoDB on this machine checks none)',
    ]);
  });

  it('without a region or an endpoint, says which to set, before any network call', async () => {
    const run = await runCliWith(['history', '--target', TARGET], {
      LEDGER_TABLE_NAME: 'vpcep-approval-ledger',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'never-shown-secret-value',
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      '  region       not set: set AWS_REGION to the region of the ledger table\n',
    );
    expect(run.stderr).toContain('  credentials  AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n');
    expect(run.stderr).not.toContain('never-shown-secret-value');
  });

  it('reads a ledger on this machine with the table and endpoint alone, as npm start prints them', async () => {
    const ledger = dynamoDbLedger({ client: dynamo.client(), tableName: dynamo.tableName });
    await ledger.recordDecision({
      decisionId: 'CHG-8',
      action: 'accept',
      target: TARGET,
      endpointId: ENDPOINT_ID,
      approvedBy: [],
      huaweiRequestIds: [],
      status: 'accepted',
      appliedAt: '2026-11-26T10:00:01.000Z',
      decidedAt: '2026-11-26T10:00:00.000Z',
    });

    const run = await runCliWith(['history', '--target', TARGET], {
      LEDGER_TABLE_NAME: dynamo.tableName,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
    });

    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).decisions).toEqual([expect.objectContaining({ decisionId: 'CHG-8' })]);
  });
});
