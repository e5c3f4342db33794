import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkTargetKey,
  parseDecision,
  parseDecisionJson,
  targetFromKey,
  targetKey,
} from '../../lib/decision/schema.ts';
import {
  aDecision,
  anApigDecision,
  ENDPOINT_ID,
  endpointIds,
  INSTANCE_ID,
  SERVICE_ID,
} from '../helpers/factories.ts';

function issuesOf(input: unknown) {
  const result = parseDecision(input);
  if (result.ok) throw new Error('expected the decision to be refused');
  return result.issues;
}

describe('parseDecision', () => {
  it('accepts the contract example and normalizes receive to accept', () => {
    const result = parseDecision(aDecision({ action: 'receive' }));
    expect(result.ok && result.decision.action).toBe('accept');
  });

  it('accepts an APIG target with a 32-hex instance id and defaults projectId and region to absent', () => {
    const result = parseDecision(
      anApigDecision([ENDPOINT_ID], { target: { type: 'apig', instanceId: INSTANCE_ID } }),
    );
    expect(result.ok && result.decision.target).toEqual({ type: 'apig', instanceId: INSTANCE_ID });
  });

  it('refuses unknown fields at the top level and inside target and source, naming each', () => {
    const input = {
      ...aDecision(),
      actoin: 'accept',
      target: { type: 'vpcep', serviceId: SERVICE_ID, zone: 'x' },
    };
    (input.source as Record<string, unknown>).extra = true;
    expect(issuesOf(input)).toEqual(
      expect.arrayContaining([
        { path: 'actoin', message: 'unknown field' },
        { path: 'target.zone', message: 'unknown field' },
        { path: 'source.extra', message: 'unknown field' },
      ]),
    );
  });

  it('rejects a decision with duplicate endpoints, pointing at the repeat', () => {
    const issues = issuesOf(aDecision({ endpoints: [ENDPOINT_ID, ENDPOINT_ID.toUpperCase()] }));
    expect(issues).toEqual([
      { path: 'endpoints[1]', message: `duplicate endpoint ${ENDPOINT_ID.toUpperCase()}` },
    ]);
  });

  it('bounds endpoints to 1..500', () => {
    expect(issuesOf(aDecision({ endpoints: [] }))[0]?.path).toBe('endpoints');
    expect(parseDecision(aDecision({ endpoints: endpointIds(500) })).ok).toBe(true);
    expect(issuesOf(aDecision({ endpoints: endpointIds(501) }))[0]?.message).toMatch(/at most 500/);
  });

  it.each([
    ['id', { id: 'has space' }],
    ['id', { id: 'x'.repeat(129) }],
    ['action', { action: 'approve' }],
    ['target.serviceId', { target: { type: 'vpcep', serviceId: 'not-a-uuid' } }],
    ['target.instanceId', { target: { type: 'apig', instanceId: 'abc' } }],
    ['target.projectId', { target: { type: 'vpcep', serviceId: SERVICE_ID, projectId: 'xyz' } }],
    ['target.region', { target: { type: 'vpcep', serviceId: SERVICE_ID, region: 'Mars 1' } }],
    ['target.type', { target: { type: 'ecs', serviceId: SERVICE_ID } }],
    ['endpoints[0]', { endpoints: ['705290f3'] }],
    ['reason', { reason: 'r'.repeat(1025) }],
    ['requestedBy', { requestedBy: 'u'.repeat(257) }],
    ['source.url', { source: { system: 'jira', url: 'javascript:alert(1)' } }],
  ])('names %s when it is wrong', (path, overrides) => {
    expect(issuesOf({ ...aDecision(), ...overrides }).map((i) => i.path)).toContain(path);
  });

  it.each([
    ['a JSON array', [], '', 'must be an object'],
    ['null', null, '', 'must be an object'],
    ['a missing id', { ...aDecision(), id: undefined }, 'id', 'required'],
    ['a numeric id', { ...aDecision(), id: 7 }, 'id', 'must be a string'],
    ['endpoints as text', { ...aDecision(), endpoints: ENDPOINT_ID }, 'endpoints', 'must be an array'],
    ['source as text', { ...aDecision(), source: 'jira' }, 'source', 'must be an object'],
    [
      'an empty source.system',
      { ...aDecision(), source: { system: '' } },
      'source.system',
      'must not be empty',
    ],
    [
      'a long reason',
      { ...aDecision(), reason: 'r'.repeat(1025) },
      'reason',
      'must be at most 1024 characters',
    ],
    ['approvedBy as text', { ...aDecision(), approvedBy: 'alice' }, 'approvedBy', 'must be an array'],
    [
      'an empty approvedBy',
      { ...aDecision(), approvedBy: [] },
      'approvedBy',
      'must name at least one approver',
    ],
    [
      'an empty approver',
      { ...aDecision(), approvedBy: ['alice', ''] },
      'approvedBy[1]',
      'must not be empty',
    ],
  ])('says what is expected for %s', (_, input, path, message) => {
    expect(issuesOf(input)).toContainEqual({ path, message });
  });

  it('takes decidedAt and expiresAt as ISO 8601 times with a zone, and names a bad one', () => {
    const good = parseDecision(
      aDecision({ decidedAt: '2026-11-26T18:00:00+08:00', expiresAt: '2026-11-27T10:00:00.000Z' }),
    );
    const bad = parseDecision(aDecision({ decidedAt: 'yesterday', expiresAt: '2026-11-27T10:00:00' }));

    expect(good.ok && good.decision.decidedAt).toBe('2026-11-26T18:00:00+08:00');
    expect(bad.ok ? [] : bad.issues).toEqual([
      { path: 'decidedAt', message: 'must be an ISO 8601 time with a zone, such as 2026-11-26T10:00:00Z' },
      { path: 'expiresAt', message: 'must be an ISO 8601 time with a zone, such as 2026-11-26T10:00:00Z' },
    ]);
  });

  it('takes approvedBy as 1..10 non-empty names of at most 256 characters, and names a bad one', () => {
    const good = parseDecision(aDecision({ approvedBy: ['slack:U0ALICE', 'feishu:ou_bob'] }));
    expect(good.ok && good.decision.approvedBy).toEqual(['slack:U0ALICE', 'feishu:ou_bob']);
    expect(issuesOf(aDecision({ approvedBy: [] }))).toEqual([
      { path: 'approvedBy', message: 'must name at least one approver' },
    ]);
    expect(issuesOf(aDecision({ approvedBy: Array.from({ length: 11 }, (_, i) => `slack:U${i}`) }))).toEqual([
      { path: 'approvedBy', message: 'must name at most 10 approvers' },
    ]);
    expect(issuesOf(aDecision({ approvedBy: ['slack:U1', ''] })).map((i) => i.path)).toEqual([
      'approvedBy[1]',
    ]);
    expect(issuesOf(aDecision({ approvedBy: ['u'.repeat(257)] })).map((i) => i.path)).toEqual([
      'approvedBy[0]',
    ]);
    expect(issuesOf(aDecision({ approvedBy: 'slack:U1' as never })).map((i) => i.path)).toEqual([
      'approvedBy',
    ]);
  });

  it('reports malformed JSON as an issue rather than throwing', () => {
    const result = parseDecisionJson('{"id": ');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]?.message).toMatch(/not valid JSON/);
  });
});

describe('parseDecision properties', () => {
  const hex = (length: number) =>
    fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: length, maxLength: length });
  const validDecision = fc.record(
    {
      id: fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/),
      action: fc.constantFrom('accept', 'reject', 'receive'),
      target: fc.oneof(
        fc.record(
          {
            type: fc.constant('vpcep'),
            serviceId: fc.uuid(),
            projectId: hex(32),
            region: fc.constantFrom('cn-north-4', 'eu-west-101', 'ap-southeast-3'),
          },
          { requiredKeys: ['type', 'serviceId'] },
        ),
        fc.record(
          { type: fc.constant('apig'), instanceId: hex(32), projectId: hex(32) },
          { requiredKeys: ['type', 'instanceId'] },
        ),
      ),
      endpoints: fc.uniqueArray(fc.uuid(), {
        minLength: 1,
        maxLength: 40,
        selector: (id) => id.toLowerCase(),
      }),
      reason: fc.string({ maxLength: 1024 }),
      requestedBy: fc.string({ minLength: 1, maxLength: 256 }),
      source: fc.record(
        {
          system: fc.string({ minLength: 1, maxLength: 64 }),
          ref: fc.string({ minLength: 1, maxLength: 256 }),
          url: fc.webUrl(),
        },
        { requiredKeys: ['system'] },
      ),
    },
    { requiredKeys: ['id', 'action', 'target', 'endpoints'] },
  );

  it('accepts every well-formed decision, sent as JSON, and keeps every field as given', () => {
    fc.assert(
      fc.property(validDecision, (input) => {
        const result = parseDecisionJson(JSON.stringify(input));
        if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.issues)}`);
        const expected = { ...input, action: input.action === 'receive' ? 'accept' : input.action };
        expect(result.decision).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses any one bad field, naming it and saying what is expected', () => {
    const badField = fc.oneof(
      fc.record({
        field: fc.constant('id'),
        value: fc.oneof(fc.constant(''), fc.integer(), fc.constant('a b')),
      }),
      fc.record({
        field: fc.constant('action'),
        value: fc.oneof(
          fc.string().filter((a) => !['accept', 'reject', 'receive'].includes(a)),
          fc.boolean(),
        ),
      }),
      fc.record({
        field: fc.constant('endpoints'),
        value: fc.oneof(fc.constant([]), fc.string(), fc.array(fc.integer(), { minLength: 1 })),
      }),
      fc.record({
        field: fc.constant('reason'),
        value: fc.oneof(fc.integer(), fc.string({ minLength: 1025, maxLength: 1100 })),
      }),
      fc.record({ field: fc.constant('requestedBy'), value: fc.oneof(fc.constant(''), fc.object()) }),
      fc.record({
        field: fc.constant('source'),
        value: fc.oneof(fc.string(), fc.constant({ system: '' }), fc.constant([])),
      }),
      fc.record({
        field: fc.constant('target'),
        value: fc.oneof(fc.string(), fc.constant({ type: 'vpcep', serviceId: '1234' })),
      }),
    );
    fc.assert(
      fc.property(validDecision, badField, (input, { field, value }) => {
        const issues = issuesOf({ ...input, [field]: value });
        expect(issues.length).toBeGreaterThan(0);
        for (const issue of issues) {
          expect(issue.path.split(/[.[]/)[0]).toBe(field);
          expect(issue.message).not.toMatch(/invalid input/i);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses every mutation that adds an unknown key or drops a required one', () => {
    const required = ['id', 'action', 'target', 'endpoints'] as const;
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .string({ minLength: 1, maxLength: 12 })
            .filter((k) => !(k in aDecision()) && k !== '__proto__')
            .map((k) => ({ add: k })),
          fc.constantFrom(...required).map((k) => ({ drop: k })),
        ),
        fc.jsonValue(),
        (mutation, value) => {
          const input: Record<string, unknown> = { ...aDecision() };
          if ('add' in mutation) input[mutation.add] = value;
          else delete input[mutation.drop];
          expect(parseDecision(input).ok).toBe(false);
        },
      ),
    );
  });

  it('keeps every issue path inside the input it was given', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('id', 'action', 'target', 'endpoints', 'reason', 'x'), fc.jsonValue()),
        (input) => {
          const result = parseDecision(input);
          if (!result.ok)
            for (const issue of result.issues)
              expect(issue.path.split(/[.[]/)[0] ?? '').toMatch(/^(id|action|target|endpoints|reason|x|)$/);
        },
      ),
    );
  });
});

describe('targetKey / targetFromKey', () => {
  it('round-trips both target types', () => {
    for (const key of [`vpcep:${SERVICE_ID}`, `apig:${INSTANCE_ID}`]) {
      const target = targetFromKey(key);
      expect(target && targetKey(target)).toBe(key);
    }
  });

  it('says what is wrong with a key', () => {
    expect(checkTargetKey('vpcep:1234')).toEqual({
      ok: false,
      message: 'serviceId must be a UUID (8-4-4-4-12 hex)',
    });
    expect(checkTargetKey('apig:abc')).toEqual({
      ok: false,
      message: 'instanceId must be 32 hex characters',
    });
    expect(checkTargetKey('ecs:abc')).toEqual({
      ok: false,
      message: 'must be vpcep:<serviceId> or apig:<instanceId>',
    });
  });

  it('refuses keys of the wrong shape', () => {
    expect(targetFromKey('vpcep:abc')).toBeUndefined();
    expect(targetFromKey(`apig:${SERVICE_ID}`)).toBeUndefined();
    expect(targetFromKey(`ecs:${SERVICE_ID}`)).toBeUndefined();
    expect(targetFromKey('nothing')).toBeUndefined();
  });
});
