/**
 * The decision and outcome contracts as JSON Schema, generated from the zod schemas so they cannot drift:
 * `npm run schemas` writes them to schemas/, and a test fails when the checked-in files are not current.
 * Rules zod checks in code (duplicate endpoints, `receive` read as `accept`) are described, not encoded.
 */
import * as z from 'zod/mini';
import { OutcomeSchema } from './outcome-schema.ts';
import { DecisionSchema } from './schema.ts';

/** File name → JSON Schema document (draft 2020-12). */
export function contractSchemas(): Record<string, object> {
  return {
    'decision.schema.json': render('Decision', DecisionSchema, 'input', [
      'A decision: accept or reject these endpoint connections on this target, or permit or revoke these',
      'consumer accounts on its whitelist (a revoke also rejects their connections).',
      'Endpoint IDs and accounts must be unique (case-insensitively); action "receive" is read as "accept";',
      '"acceptPending" is allowed on a permit only.',
    ]),
    'outcome.schema.json': render('Outcome', OutcomeSchema, 'output', [
      'What happened to a decision: one per decision, printed by the CLI and published to the topic.',
    ]),
  };
}

function render(
  title: string,
  schema: z.core.$ZodType,
  io: 'input' | 'output',
  description: string[],
): object {
  const generated = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' });
  return { title, description: description.join(' '), ...generated };
}
