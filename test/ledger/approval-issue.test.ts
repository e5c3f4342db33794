import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import type { ApprovalIssue, Ledger } from '../../lib/ledger/ledger.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';

const SERVICE = '4189d3c2-8882-4871-a3c2-d380272eed88';
const TARGET = `vpcep:${SERVICE}`;
const EP1 = '705290f3-0d00-41f2-aedc-71f09844e879';

let dynamo: LocalDynamo;
beforeEach(async () => {
  dynamo = await startDynalite();
});
afterEach(() => dynamo.close());

function container(): Ledger {
  return dynamoDbLedger({ client: dynamo.client(), tableName: dynamo.tableName });
}

function issue(overrides: Partial<ApprovalIssue> = {}): ApprovalIssue {
  return {
    target: TARGET,
    endpointId: EP1,
    system: 'jira',
    key: 'OPS-101',
    createdAt: '2026-11-26T10:00:00.000Z',
    ...overrides,
  };
}

describe('dynamoDbLedger: approval issues', () => {
  it('reads back the issue recorded for a connection, whatever the case of its ids', async () => {
    const [a, b] = [container(), container()];

    expect(await a.approvalIssue(TARGET, EP1, 'jira')).toBeUndefined();
    expect(await a.recordApprovalIssue(issue())).toEqual({ first: true });

    expect(await b.approvalIssue(TARGET.toUpperCase(), EP1.toUpperCase(), 'jira')).toEqual(issue());
    expect(await b.approvalIssue(TARGET, '8c1e6a52-3b9f-4d17-9a0e-2f5b7c4d1e63', 'jira')).toBeUndefined();
  });

  it('records one issue per connection across containers: a later one gets the first key back', async () => {
    const [a, b] = [container(), container()];

    const results = await Promise.all([
      a.recordApprovalIssue(issue({ key: 'OPS-101' })),
      b.recordApprovalIssue(issue({ key: 'OPS-102' })),
    ]);

    const first = results.filter((r) => r.first);
    expect(first).toHaveLength(1);
    const kept = await a.approvalIssue(TARGET, EP1, 'jira');
    const later = results.find((r) => !r.first);
    expect(later).toEqual({ first: false, existing: kept });
    expect(['OPS-101', 'OPS-102']).toContain(kept?.key);
  });

  it('keeps the issue apart from the connection’s approval request, and refuses a bad target', async () => {
    const ledger = container();
    await ledger.recordApprovalIssue(issue());
    const request = await ledger.recordApprovalRequest({
      target: TARGET,
      endpointId: EP1,
      rule: 'approvalRequired',
      raisedAt: '2026-11-26T10:00:00.000Z',
      remindAt: '2026-11-27T10:00:00.000Z',
      reminders: 0,
    });

    expect(request.first).toBe(true);
    expect(await ledger.withdrawApprovalRequest(TARGET, EP1, '2026-11-26T10:00:00.000Z')).toBe(true);
    expect(await ledger.approvalIssue(TARGET, EP1, 'jira')).toMatchObject({ key: 'OPS-101' });
    await expect(ledger.recordApprovalIssue(issue({ target: 'vpcep:nope' }))).rejects.toMatchObject({
      issues: [{ path: 'target' }],
    });
  });

  it('claims a connection’s issue once; its key is recorded on the claim, and later claims get the key', async () => {
    const [a, b] = [container(), container()];
    const claim = {
      target: TARGET,
      endpointId: EP1,
      system: 'jira' as const,
      claimedAt: '2026-11-26T10:00:00.000Z',
    };

    const claims = await Promise.all([a.claimApprovalIssue(claim), b.claimApprovalIssue(claim)]);
    expect(claims.filter((c) => c.first)).toHaveLength(1);
    expect(claims.find((c) => !c.first)).toEqual({
      first: false,
      existing: { target: TARGET, endpointId: EP1, system: 'jira', claimedAt: claim.claimedAt },
    });

    expect(await a.recordApprovalIssue(issue())).toEqual({ first: true });
    expect(await b.recordApprovalIssue(issue({ key: 'OPS-102' }))).toEqual({
      first: false,
      existing: issue(),
    });
    expect(await b.claimApprovalIssue({ ...claim, claimedAt: '2026-11-26T11:00:00.000Z' })).toEqual({
      first: false,
      existing: { ...issue(), claimedAt: claim.claimedAt },
    });
  });

  it('takes over only that very claim, once, and releases a claim only while it has no key', async () => {
    const [a, b] = [container(), container()];
    const stale = '2026-11-26T10:00:00.000Z';
    const claim = { target: TARGET, endpointId: EP1, system: 'jira' as const, claimedAt: stale };
    await a.claimApprovalIssue(claim);
    const later = { ...claim, claimedAt: '2026-11-26T10:20:00.000Z' };

    const taken = await Promise.all([
      a.takeOverApprovalIssueClaim(later, stale),
      b.takeOverApprovalIssueClaim({ ...later, claimedAt: '2026-11-26T10:20:00.001Z' }, stale),
    ]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    expect(await a.releaseApprovalIssueClaim(claim)).toBe(false);

    const winner = taken[0] ? later : { ...later, claimedAt: '2026-11-26T10:20:00.001Z' };
    expect(await b.releaseApprovalIssueClaim(winner)).toBe(true);
    expect(await a.approvalIssue(TARGET, EP1, 'jira')).toBeUndefined();

    await a.claimApprovalIssue(claim);
    await a.recordApprovalIssue(issue());
    expect(await b.releaseApprovalIssueClaim(claim)).toBe(false);
    expect(await b.takeOverApprovalIssueClaim(later, stale)).toBe(false);
    expect(await b.approvalIssue(TARGET, EP1, 'jira')).toEqual({ ...issue(), claimedAt: stale });
  });
});
