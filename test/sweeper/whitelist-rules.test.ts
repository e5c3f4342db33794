/** The pure halves of whitelist upkeep and reconcile: what they plan from a target's view. */
import { describe, expect, it } from 'vitest';
import type { AppliedDecision } from '../../lib/ledger/ledger.ts';
import { findViolations } from '../../lib/sweeper/reconcile.ts';
import type { TargetView } from '../../lib/sweeper/target-view.ts';
import { planWhitelist } from '../../lib/sweeper/whitelist.ts';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const C = 'c'.repeat(32);
const OWNER = 'f'.repeat(32);

function view(overrides: Partial<TargetView> = {}): TargetView {
  return {
    target: 'vpcep:4189d3c2-8882-4871-a3c2-d380272eed88',
    location: { account: 'own', region: 'cn-north-4', ownerDomainId: OWNER },
    connections: [],
    whitelist: { everyone: false, accounts: new Set() },
    last: new Map(),
    now: new Date('2026-12-01T00:00:00Z'),
    ...overrides,
  };
}

const record = (endpointId: string, action: AppliedDecision['action']): AppliedDecision => ({
  decisionId: 'D',
  action,
  target: 'vpcep:x',
  endpointId,
  approvedBy: [],
  huaweiRequestIds: [],
  appliedAt: '2026-11-01T00:00:00Z',
  decidedAt: '2026-11-01T00:00:00Z',
});

describe('planWhitelist', () => {
  it('does nothing without manageWhitelist', () => {
    expect(planWhitelist({ autoAccept: [A], exclusiveWhitelist: true }, view())).toEqual({
      permit: [],
      revoke: [],
    });
  });

  it('never permits an account autoReject names, and revokes it when exclusive even if autoAccept names it', () => {
    const plan = planWhitelist(
      { autoAccept: [A, B], autoReject: [B], manageWhitelist: true, exclusiveWhitelist: true },
      view({ whitelist: { everyone: false, accounts: new Set([B, OWNER]) } }),
    );
    expect(plan).toEqual({ permit: [A], revoke: [B] });
  });

  it('keeps an account whose connection was accepted when the target was adopted, not one merely listed then', () => {
    const adopted = (endpointId: string, status: string): AppliedDecision => ({
      ...record(endpointId, 'external'),
      requestedBy: 'baseline',
      status,
    });
    const plan = planWhitelist(
      { manageWhitelist: true, exclusiveWhitelist: true },
      view({
        whitelist: { everyone: false, accounts: new Set([OWNER, A, B]) },
        connections: [{ endpointId: 'e-1', status: 'accepted', domainId: A }],
        last: new Map([
          ['e-1', adopted('e-1', 'accepted')],
          [`account:${B}`, adopted(`account:${B}`, 'permitted')],
        ]),
      }),
    );
    expect(plan.revoke).toEqual([B]);
  });

  it('keeps the owner, accounts permitted by us, and accounts whose connection we accepted', () => {
    const plan = planWhitelist(
      { autoAccept: [], manageWhitelist: true, exclusiveWhitelist: true },
      view({
        whitelist: { everyone: false, accounts: new Set([OWNER, A, B, C]) },
        connections: [{ endpointId: 'e-1', status: 'accepted', domainId: B }],
        last: new Map([
          [`account:${A}`, record(`account:${A}`, 'permit')],
          ['e-1', record('e-1', 'accept')],
        ]),
      }),
    );
    expect(plan.revoke).toEqual([C]);
  });
});

describe('findViolations', () => {
  const accepted = (endpointId: string, domainId: string, createdAt?: string) => ({
    endpointId,
    status: 'accepted',
    domainId,
    ...(createdAt === undefined ? {} : { createdAt }),
  });

  it('keeps the oldest within the limit and names the newest first; one without a date counts as newest', () => {
    const violations = findViolations(
      { maxConnectionsPerAccount: 1 },
      {
        connections: [
          accepted('mid', A, '2026-11-02T00:00:00Z'),
          accepted('undated', A),
          accepted('old', A, '2026-11-01T00:00:00Z'),
          { endpointId: 'waiting', status: 'pendingAcceptance', domainId: A },
        ],
      },
    );
    expect(violations.map((v) => v.endpointId)).toEqual(['undated', 'mid']);
  });

  it('names every accepted connection of an autoReject account, whatever the limit', () => {
    const violations = findViolations(
      { autoReject: [B], maxConnectionsPerAccount: 5 },
      { connections: [accepted('b-1', B, '2026-11-01T00:00:00Z'), accepted('a-1', A)] },
    );
    expect(violations).toEqual([
      {
        endpointId: 'b-1',
        domainId: B,
        rule: 'autoReject',
        reason: `account ${B} is in autoReject`,
        createdAt: '2026-11-01T00:00:00Z',
      },
    ]);
  });
});
