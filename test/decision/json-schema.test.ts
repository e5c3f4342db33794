import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractSchemas } from '../../lib/decision/json-schema.ts';
import { OutcomeSchema } from '../../lib/decision/outcome-schema.ts';
import { parseDecision } from '../../lib/decision/schema.ts';
import { untriedOutcome } from '../../lib/queue/worker.ts';
import { aDecision } from '../helpers/factories.ts';

const root = join(import.meta.dirname, '..', '..');

describe('the JSON Schema files of the contracts', () => {
  it.each(Object.keys(contractSchemas()))('schemas/%s is current (run npm run schemas)', (file) => {
    const checkedIn = JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8'));

    expect(checkedIn).toEqual(contractSchemas()[file]);
  });

  it('describes the decision without extra fields and the outcome with every status', () => {
    type Shape = {
      additionalProperties?: boolean;
      required?: string[];
      properties: Record<string, { enum?: string[] }>;
    };
    const { 'decision.schema.json': decision, 'outcome.schema.json': outcome } = contractSchemas() as Record<
      string,
      Shape & { anyOf?: Shape[] }
    >;

    // A decision on connections, or one on accounts: each refuses fields of its own kind's absence.
    const [onConnections, onAccounts] = decision?.anyOf ?? [];
    expect(onConnections?.additionalProperties).toBe(false);
    expect(onConnections?.required).toEqual(['id', 'action', 'target', 'endpoints']);
    expect(onAccounts?.additionalProperties).toBe(false);
    expect(onAccounts?.required).toEqual(['id', 'action', 'target', 'accounts']);
    expect(onAccounts?.properties.action?.enum).toEqual(['permit', 'revoke']);
    expect(outcome?.properties.status?.enum).toEqual([
      'succeeded',
      'partial',
      'failed',
      'in_progress',
      'invalid',
      'denied',
      'awaiting_approval',
      'superseded',
      'expired',
    ]);
  });
});

describe('OutcomeSchema', () => {
  it('takes the outcome the worker publishes for a decision it never ran', () => {
    const parsed = parseDecision(aDecision());
    if (!parsed.ok) throw new Error('fixture must be valid');
    const outcome = untriedOutcome(
      parsed.decision,
      { code: 'X', message: 'm', httpStatus: null, requestId: null, retryable: true },
      new Date(0),
    );

    expect(OutcomeSchema.safeParse(outcome).success).toBe(true);
  });

  it('refuses an unknown status or field', () => {
    const base = {
      decisionId: null,
      status: 'invalid',
      results: [],
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:00Z',
    };

    expect(OutcomeSchema.safeParse(base).success).toBe(true);
    expect(OutcomeSchema.safeParse({ ...base, status: 'done' }).success).toBe(false);
    expect(OutcomeSchema.safeParse({ ...base, extra: 1 }).success).toBe(false);
  });
});
