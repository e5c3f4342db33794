/**
 * The outcome as the ticket notifier reads it from the topic: only the fields it shows, checked rather
 * than cast. Deliberately more lenient than the contract's OutcomeSchema (lib/decision/outcome.ts),
 * which is strict: its publisher checks it, while a consumer that refused an outcome with a status or
 * field added later would leave a ticket without its answer. Every outcome OutcomeSchema accepts is
 * accepted here (test/tickets/render.test.ts), and unknown statuses are written back as they are.
 */
import * as z from 'zod/mini';
import { SourceSchema, toFieldIssues } from '../decision/schema.ts';
import type { FieldIssue } from '../errors.ts';

const str = z.string();
const optionalText = z.optional(z.string());

const EndpointErrorSchema = z.looseObject({
  code: str,
  message: optionalText,
  httpStatus: z.optional(z.nullable(z.number())),
  requestId: z.optional(z.nullable(z.string())),
});

const EndpointResultSchema = z.looseObject({
  endpointId: str,
  status: str,
  changed: z.optional(z.boolean()),
  error: z.optional(EndpointErrorSchema),
});

export const TicketOutcomeSchema = z.looseObject({
  decisionId: z.nullable(str),
  action: optionalText,
  target: z.optional(
    z.looseObject({ type: str, serviceId: optionalText, instanceId: optionalText, region: optionalText }),
  ),
  status: str,
  results: z._default(z.array(EndpointResultSchema), []),
  reason: optionalText,
  requestedBy: optionalText,
  approvedBy: z.optional(z.array(str)),
  source: z.optional(SourceSchema),
  dryRun: z.optional(z.boolean()),
  issues: z.optional(z.array(z.looseObject({ path: str, message: str }))),
  denial: z.optional(z.looseObject({ code: str, message: str })),
});

export type TicketOutcome = z.output<typeof TicketOutcomeSchema>;

export type OutcomeParse = { ok: true; outcome: TicketOutcome } | { ok: false; issues: FieldIssue[] };

/** Parses an SNS message body (the outcome JSON). */
export function parseOutcomeMessage(message: string): OutcomeParse {
  let input: unknown;
  try {
    input = JSON.parse(message);
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  const result = TicketOutcomeSchema.safeParse(input);
  if (result.success) return { ok: true, outcome: result.data };
  return { ok: false, issues: toFieldIssues(result.error.issues) };
}
