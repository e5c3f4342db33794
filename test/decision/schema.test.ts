import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecision, parseDecisionJson, targetFromKey, targetKey } from '../../lib/decision/schema.ts';
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

  it('reports malformed JSON as an issue rather than throwing', () => {
    const result = parseDecisionJson('{"id": ');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]?.message).toMatch(/not valid JSON/);
  });
});

describe('parseDecision properties', () => {
  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = parseDecision(value);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary text, and any text it accepts is a well-formed decision', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const result = parseDecisionJson(text);
        if (result.ok) expect(result.decision.endpoints.length).toBeGreaterThan(0);
      }),
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

  it('refuses keys of the wrong shape', () => {
    expect(targetFromKey('vpcep:abc')).toBeUndefined();
    expect(targetFromKey(`apig:${SERVICE_ID}`)).toBeUndefined();
    expect(targetFromKey(`ecs:${SERVICE_ID}`)).toBeUndefined();
    expect(targetFromKey('nothing')).toBeUndefined();
  });
});
