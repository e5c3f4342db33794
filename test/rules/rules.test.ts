import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.ts';
import { evaluateConnection, evaluateTarget, type PendingConnection } from '../../lib/rules/evaluate.ts';
import { parseRules, personOf, rulesFor, type TargetRules } from '../../lib/rules/schema.ts';

const SERVICE = '4189d3c2-8882-4871-a3c2-d380272eed88';
const TARGET = `vpcep:${SERVICE}`;
const TRUSTED = 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b';
const BLOCKED = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';
const STRANGER = 'ffffffffffffffffffffffffffffffff';
const now = new Date('2026-11-26T10:00:00.000Z');
const none = new Map<string, number>();

function pending(domainId: string | undefined, createdAt = '2026-11-26T09:00:00.000Z'): PendingConnection {
  return { endpointId: '705290f3-0d00-41f2-aedc-71f09844e879', domainId, createdAt };
}

function configError(text: string): ConfigError {
  try {
    parseRules(text);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('parsed');
}

describe('parseRules', () => {
  it('reads the document, normalizing target keys and account ids', () => {
    const rules = parseRules(
      JSON.stringify({
        people: { alice: { slack: 'U0123ABCD', feishu: 'ou_7d8a6e6df7621556ce0d21922b676706' }, bob: {} },
        targets: {
          [`VPCEP:${SERVICE.toUpperCase()}`]: {
            autoAccept: [TRUSTED.toUpperCase()],
            autoReject: [BLOCKED],
            maxConnectionsPerAccount: 5,
            rejectPendingAfterHours: 72,
            approvalsRequired: 2,
            approvers: ['alice', 'bob'],
          },
          '*': { approvalsRequired: 1, rejectPendingAfterHours: 168 },
        },
      }),
    );

    expect([...rules.targets.keys()]).toEqual([TARGET, '*']);
    expect(rules.targets.get(TARGET)?.autoAccept).toEqual([TRUSTED]);
  });

  it('lays a target entry over the "*" defaults field by field', () => {
    const rules = parseRules(
      JSON.stringify({
        people: { dana: { slack: 'U0DEFAULT' } },
        targets: {
          '*': { rejectPendingAfterHours: 168, approvers: ['dana'] },
          [TARGET]: { autoAccept: [TRUSTED], rejectPendingAfterHours: 72 },
        },
      }),
    );

    expect(rulesFor(rules, TARGET)).toEqual({
      autoAccept: [TRUSTED],
      rejectPendingAfterHours: 72,
      approvers: ['dana'],
    });
    expect(rulesFor(rules, 'apig:0123456789abcdef0123456789abcdef')).toEqual({
      rejectPendingAfterHours: 168,
      approvers: ['dana'],
    });
  });

  it('means no rules when unset or empty', () => {
    expect(parseRules(undefined).targets.size).toBe(0);
    expect(parseRules('  ').targets.size).toBe(0);
  });

  it('names the variable and the JSON path of each problem', () => {
    const error = configError(
      JSON.stringify({
        targets: { [TARGET]: { autoAccept: ['nope'], approvalsRequired: 0, approver: [] } },
      }),
    );

    expect(error.variable).toBe('VPCEP_APPROVAL_RULES');
    expect(error.message).toContain(
      `targets["${TARGET}"].autoAccept[0]: must be a domain_id (32 hex characters)`,
    );
    expect(error.message).toContain(`targets["${TARGET}"].approvalsRequired:`);
    expect(error.message).toContain(`targets["${TARGET}"].approver: unknown field`);
  });

  it('refuses a bad target key, a target listed twice, bad approver ids and bad JSON', () => {
    expect(configError('{"targets":{"vpcep:abc":{}}}').message).toContain(
      'targets["vpcep:abc"]: must be "*", vpcep:<serviceId> or apig:<instanceId>',
    );
    expect(
      configError(
        JSON.stringify({ targets: { [TARGET]: {}, [TARGET.toUpperCase().replace('VPCEP', 'vpcep')]: {} } }),
      ).message,
    ).toContain('listed twice');
    expect(
      configError(JSON.stringify({ people: { alice: { slack: 'alice' } }, targets: {} })).message,
    ).toContain('people["alice"].slack: must be a Slack user ID');
    expect(configError('{"targets":').message).toContain('not valid JSON');
    expect(configError('{"target":{}}').message).toContain('target: unknown field');
  });
});

describe('parseRules: people and approvers', () => {
  const people = {
    alice: { slack: 'U0ALICE', feishu: 'ou_alice', jira: '5b10ac8d82e05b22cc7d4ef5' },
    bob: { slack: 'U0BOB' },
  };

  it('names people once and lists them by name as approvers', () => {
    const rules = parseRules(
      JSON.stringify({
        people,
        trustedApprovers: ['jira'],
        targets: { [TARGET]: { approvalsRequired: 2, approvers: ['alice', 'bob'] } },
      }),
    );

    expect(rulesFor(rules, TARGET)).toEqual({ approvalsRequired: 2, approvers: ['alice', 'bob'] });
    expect(personOf(rules, 'feishu', 'ou_alice')).toBe('alice');
    expect(personOf(rules, 'jira', '5b10ac8d82e05b22cc7d4ef5')).toBe('alice');
    expect(personOf(rules, 'slack', 'U0NOBODY')).toBeUndefined();
    expect([...rules.trustedApprovers]).toEqual(['jira']);
  });

  it('refuses the per-platform approvers of earlier versions, showing the form that replaces them', () => {
    const error = configError(
      JSON.stringify({ targets: { [TARGET]: { approvers: { slack: ['U0ALICE'] } } } }),
    );

    expect(error.message).toContain(
      `targets["${TARGET}"].approvers: approvers is now a list of names from "people"`,
    );
    expect(error.message).toContain('"approvers": ["alice"]');
  });

  it('refuses a key that appears twice anywhere, naming its path, where JSON.parse would keep the second', () => {
    const text = `{"people": {"alice": {"slack": "U0ALICE", "slack": "U0MALLORY"}}, "targets": {"${TARGET}": {"autoAccept": [], "autoAccept": ["${TRUSTED}"]}}}`;

    const error = configError(text);

    expect(error.message).toContain('people["alice"].slack: the key appears twice');
    expect(error.message).toContain(`targets["${TARGET}"].autoAccept: the key appears twice`);
  });

  it('refuses more approvals than approvers, an approver not in people, and one id for two people', () => {
    expect(
      configError(
        JSON.stringify({
          people,
          targets: { [TARGET]: { approvalsRequired: 3, approvers: ['alice', 'bob'] } },
        }),
      ).message,
    ).toContain(`targets["${TARGET}"].approvalsRequired: 3 approvals cannot be reached with 2 approvers`);
    expect(
      configError(JSON.stringify({ people, targets: { '*': { approvalsRequired: 2 } } })).message,
    ).toContain('targets["*"].approvalsRequired: 2 approvals cannot be reached with 0 approvers');
    expect(
      configError(JSON.stringify({ people, targets: { [TARGET]: { approvers: ['alice', 'carol'] } } }))
        .message,
    ).toContain(`targets["${TARGET}"].approvers[1]: "carol" is not in people`);
    expect(
      configError(JSON.stringify({ people: { ...people, mallory: { slack: 'U0ALICE' } }, targets: {} }))
        .message,
    ).toContain('people["mallory"].slack: U0ALICE already belongs to alice');
  });

  it('counts the "*" approvers towards a target that sets only approvalsRequired', () => {
    const rules = parseRules(
      JSON.stringify({
        people,
        targets: { '*': { approvers: ['alice', 'bob'] }, [TARGET]: { approvalsRequired: 2 } },
      }),
    );

    expect(rulesFor(rules, TARGET)).toEqual({ approvers: ['alice', 'bob'], approvalsRequired: 2 });
  });
});

describe('evaluateConnection', () => {
  const rules: TargetRules = {
    autoAccept: [TRUSTED, BLOCKED],
    autoReject: [BLOCKED],
    maxConnectionsPerAccount: 2,
    rejectPendingAfterHours: 72,
    approvalsRequired: 2,
    approvers: ['alice', 'bob'],
  };

  it('accepts a trusted account under its limit', () => {
    expect(
      evaluateConnection(rules, pending(TRUSTED.toUpperCase()), new Map([[TRUSTED, 1]]), now),
    ).toMatchObject({
      kind: 'decide',
      action: 'accept',
      rule: 'autoAccept',
    });
  });

  it('rejects an account on autoReject even when it is on autoAccept too', () => {
    expect(evaluateConnection(rules, pending(BLOCKED), none, now)).toMatchObject({
      kind: 'decide',
      action: 'reject',
      rule: 'autoReject',
    });
  });

  it('does not auto-accept an account at its connection limit: it asks, naming the limit', () => {
    const verdict = evaluateConnection(rules, pending(TRUSTED), new Map([[TRUSTED, 2]]), now);

    expect(verdict).toMatchObject({ kind: 'ask', rule: 'maxConnectionsPerAccount', approvalsRequired: 2 });
    expect(verdict.reason).toContain('holds 2 accepted connections (limit 2)');
  });

  it('rejects a request pending longer than rejectPendingAfterHours, and not one just inside it', () => {
    const old = pending(STRANGER, '2026-11-23T09:59:59.000Z');
    const recent = pending(STRANGER, '2026-11-23T10:00:00.000Z');

    expect(evaluateConnection(rules, old, none, now)).toMatchObject({
      kind: 'decide',
      action: 'reject',
      rule: 'rejectPendingAfterHours',
    });
    expect(evaluateConnection(rules, recent, none, now)).toMatchObject({ kind: 'ask', rule: 'askPeople' });
  });

  it('asks people, with the approvers, when no rule decides', () => {
    expect(evaluateConnection(rules, pending(STRANGER), none, now)).toEqual({
      kind: 'ask',
      rule: 'askPeople',
      reason: 'no rule decides it',
      approvalsRequired: 2,
      approvers: ['alice', 'bob'],
    });
    expect(evaluateConnection({}, pending(undefined, 'not a time'), none, now)).toMatchObject({
      kind: 'ask',
      approvalsRequired: 1,
    });
  });
});

describe('evaluateTarget', () => {
  it('counts auto-accepts of one sweep towards the account limit', () => {
    const rules: TargetRules = { autoAccept: [TRUSTED], maxConnectionsPerAccount: 3 };
    const connections = [pending(TRUSTED), pending(TRUSTED), pending(STRANGER), pending(TRUSTED)];

    const verdicts = evaluateTarget(rules, connections, new Map([[TRUSTED, 1]]), now);

    expect(verdicts.map((v) => v.verdict.rule)).toEqual([
      'autoAccept',
      'autoAccept',
      'askPeople',
      'maxConnectionsPerAccount',
    ]);
  });
});

describe('evaluateConnection, for any rules and connection', () => {
  const account = fc.constantFrom(TRUSTED, BLOCKED, STRANGER);
  const rulesArb = fc.record(
    {
      autoAccept: fc.uniqueArray(account),
      autoReject: fc.uniqueArray(account),
      maxConnectionsPerAccount: fc.integer({ min: 0, max: 3 }),
      rejectPendingAfterHours: fc.integer({ min: 1, max: 100 }),
    },
    { requiredKeys: [] },
  );
  const connectionArb = fc.record({
    domainId: account,
    ageHours: fc.integer({ min: 0, max: 200 }),
    held: fc.integer({ min: 0, max: 4 }),
  });

  it('rejects a listed account, accepts only a trusted one under its limit, and never accepts a stale one it does not trust', () => {
    fc.assert(
      fc.property(rulesArb, connectionArb, (rules, c) => {
        const createdAt = new Date(now.getTime() - c.ageHours * 3_600_000).toISOString();
        const verdict = evaluateConnection(
          rules,
          { endpointId: 'e', domainId: c.domainId, createdAt },
          new Map([[c.domainId, c.held]]),
          now,
        );
        const rejected = rules.autoReject?.includes(c.domainId) === true;
        const trusted = rules.autoAccept?.includes(c.domainId) === true;
        const underLimit =
          rules.maxConnectionsPerAccount === undefined || c.held < rules.maxConnectionsPerAccount;
        const stale =
          rules.rejectPendingAfterHours !== undefined && c.ageHours > rules.rejectPendingAfterHours;
        if (rejected) expect(verdict).toMatchObject({ kind: 'decide', action: 'reject', rule: 'autoReject' });
        else if (trusted && underLimit) expect(verdict).toMatchObject({ kind: 'decide', action: 'accept' });
        else if (stale) expect(verdict).toMatchObject({ action: 'reject', rule: 'rejectPendingAfterHours' });
        else expect(verdict.kind).toBe('ask');
      }),
    );
  });
});
