/**
 * The approval authority as a table: principal, action, rules, connection and vouched approvals in;
 * allow, await or deny with the reason out. Every path that acts asks this one function.
 */
import { describe, expect, it } from 'vitest';
import { type AuthorityRequest, authorize } from '../../lib/approval/authority.ts';

const TRUSTED = 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b';
const BLOCKED = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';
const STRANGER = 'ffffffffffffffffffffffffffffffff';
const now = new Date('2026-12-05T10:00:00.000Z');

const twoPeople = {
  approvalsRequired: 2,
  approvers: ['alice', 'bob'],
  autoAccept: [TRUSTED],
  autoReject: [BLOCKED],
};
const pending = (domainId = STRANGER, createdAt = '2026-12-05T09:00:00.000Z') => ({
  status: 'pendingAcceptance',
  domainId,
  createdAt,
});
const carrier = { kind: 'carrier' } as const;

function ask(fields: Partial<AuthorityRequest>): ReturnType<typeof authorize> {
  return authorize({
    principal: carrier,
    action: 'accept',
    rules: twoPeople,
    connection: pending(),
    approvals: [],
    now,
    ...fields,
  });
}

describe('authorize', () => {
  it.each([
    ['a carrier on a target without approvers (the sender is the authority)', { rules: {} }, 'allow'],
    ['a carrier accept with no approvals on a two-person target', {}, 'deny'],
    ['a carrier reject with no approvals on a two-person target', { action: 'reject' as const }, 'deny'],
    ['one approval of two', { approvals: [{ person: 'alice', channel: 'slack' as const }] }, 'await'],
    [
      'the same person on two channels (one approval of two)',
      {
        approvals: [
          { person: 'alice', channel: 'slack' as const },
          { person: 'alice', channel: 'feishu' as const },
        ],
      },
      'await',
    ],
    [
      'two listed people on two channels',
      {
        approvals: [
          { person: 'alice', channel: 'slack' as const },
          { person: 'bob', channel: 'jira' as const },
        ],
      },
      'allow',
    ],
    [
      'a reject with one listed approver',
      { action: 'reject' as const, approvals: [{ person: 'bob', channel: 'slack' as const }] },
      'allow',
    ],
    [
      'approvals of someone no longer listed',
      {
        approvals: [
          { person: 'carol', channel: 'slack' as const },
          { person: 'dave', channel: 'slack' as const },
        ],
      },
      'deny',
    ],
    [
      'break-glass without approvals',
      { principal: { kind: 'break-glass' as const, reason: 'outage' } },
      'allow',
    ],
    [
      'break-glass against autoReject',
      { principal: { kind: 'break-glass' as const, reason: 'outage' }, connection: pending(BLOCKED) },
      'deny',
    ],
    [
      'two approvals against autoReject',
      {
        connection: pending(BLOCKED),
        approvals: [
          { person: 'alice', channel: 'slack' as const },
          { person: 'bob', channel: 'slack' as const },
        ],
      },
      'deny',
    ],
    [
      'break-glass on a connection that names no account, where the rules reject some',
      {
        principal: { kind: 'break-glass' as const, reason: 'outage' },
        connection: { status: 'pendingAcceptance' },
      },
      'deny',
    ],
    [
      'rule autoAccept for a trusted account at its limit as counted now',
      {
        principal: { kind: 'rule' as const, rule: 'autoAccept' },
        rules: { ...twoPeople, maxConnectionsPerAccount: 1 },
        connection: pending(TRUSTED),
        acceptedByAccount: new Map([[TRUSTED, 1]]),
      },
      'deny',
    ],
    [
      'rule autoAccept under a limit with no count to judge it by (fails closed)',
      {
        principal: { kind: 'rule' as const, rule: 'autoAccept' },
        rules: { ...twoPeople, maxConnectionsPerAccount: 1 },
        connection: pending(TRUSTED),
      },
      'deny',
    ],
    [
      'rule reconcile rejecting an accepted connection of an account now on autoReject',
      {
        principal: { kind: 'rule' as const, rule: 'reconcile' },
        action: 'reject' as const,
        rules: { ...twoPeople, reconcile: true },
        connection: { ...pending(BLOCKED), status: 'accepted' },
      },
      'allow',
    ],
    [
      'rule reconcile where the rules do not reconcile',
      {
        principal: { kind: 'rule' as const, rule: 'reconcile' },
        action: 'reject' as const,
        connection: { ...pending(BLOCKED), status: 'accepted' },
      },
      'deny',
    ],
    [
      'rule reconcile over the limit as counted now',
      {
        principal: { kind: 'rule' as const, rule: 'reconcile' },
        action: 'reject' as const,
        rules: { ...twoPeople, reconcile: true, maxConnectionsPerAccount: 1 },
        connection: { ...pending(STRANGER), status: 'accepted' },
        acceptedByAccount: new Map([[STRANGER, 2]]),
      },
      'allow',
    ],
    [
      'rule autoAccept for a trusted, pending account',
      { principal: { kind: 'rule' as const, rule: 'autoAccept' }, connection: pending(TRUSTED) },
      'allow',
    ],
    [
      'rule autoAccept for a stranger (forged or stale)',
      { principal: { kind: 'rule' as const, rule: 'autoAccept' } },
      'deny',
    ],
    [
      'rule autoAccept for a connection no longer pending',
      {
        principal: { kind: 'rule' as const, rule: 'autoAccept' },
        connection: { ...pending(TRUSTED), status: 'rejected' },
      },
      'deny',
    ],
    [
      'rule autoReject for a blocked account',
      {
        principal: { kind: 'rule' as const, rule: 'autoReject' },
        action: 'reject' as const,
        connection: pending(BLOCKED),
      },
      'allow',
    ],
    [
      'rule rejectPendingAfterHours past the limit',
      {
        principal: { kind: 'rule' as const, rule: 'rejectPendingAfterHours' },
        action: 'reject' as const,
        rules: { ...twoPeople, rejectPendingAfterHours: 24 },
        connection: pending(STRANGER, '2026-12-04T09:59:59.000Z'),
      },
      'allow',
    ],
    [
      'rule rejectPendingAfterHours inside the limit',
      {
        principal: { kind: 'rule' as const, rule: 'rejectPendingAfterHours' },
        action: 'reject' as const,
        rules: { ...twoPeople, rejectPendingAfterHours: 24 },
      },
      'deny',
    ],
  ])('%s → %s', (_name, fields, verdict) => {
    expect(ask(fields).verdict).toBe(verdict);
  });

  it('names who approved, one per person, and how many are needed while waiting', () => {
    expect(
      ask({
        approvals: [
          { person: 'alice', channel: 'slack' },
          { person: 'alice', channel: 'feishu' },
        ],
      }),
    ).toEqual({
      verdict: 'await',
      have: ['alice'],
      need: 2,
    });
    expect(
      ask({
        approvals: [
          { person: 'alice', channel: 'feishu' },
          { person: 'bob', channel: 'jira' },
        ],
      }),
    ).toEqual({ verdict: 'allow', approvedBy: ['alice via feishu', 'bob via jira'] });
  });

  it('says why it denies, with the code each path reports', () => {
    expect(ask({})).toMatchObject({ verdict: 'deny', code: 'APPROVALS_REQUIRED' });
    expect(ask({ connection: pending(BLOCKED) })).toMatchObject({
      verdict: 'deny',
      code: 'RULES_AUTOREJECT',
    });
    expect(ask({ principal: { kind: 'rule', rule: 'autoAccept' } })).toMatchObject({
      verdict: 'deny',
      code: 'RULE_NOT_APPLICABLE',
    });
    expect(
      ask({
        principal: { kind: 'rule', rule: 'autoAccept' },
        connection: { ...pending(TRUSTED), status: 'accepted' },
      }),
    ).toMatchObject({ verdict: 'deny', code: 'NOT_PENDING' });
  });
});
