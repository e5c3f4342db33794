/**
 * The ledger's records as read back from the table, checked rather than cast: a record written by an
 * older or newer version, or by hand, fails with the field named instead of travelling on as a lie.
 */
import * as z from 'zod/mini';
import { toFieldIssues } from '../decision/schema.ts';
import { ValidationError } from '../errors.ts';
import { parseTargetKey } from '../policy.ts';
import type { AppliedDecision, ApprovalIssue, ApprovalIssueRecord, ApprovalRequest } from './ledger.ts';

const text = z.string().check(z.minLength(1));

const AppliedDecisionSchema = z.object({
  decisionId: text,
  action: z.enum(['accept', 'reject', 'permit', 'revoke', 'external']),
  target: text,
  endpointId: text,
  requestedBy: z.optional(z.string()),
  approvedBy: z._default(z.array(z.string()), []),
  breakGlass: z.optional(z.string()),
  source: z.optional(
    z.object({ system: z.string(), ref: z.optional(z.string()), url: z.optional(z.string()) }),
  ),
  huaweiRequestIds: z._default(z.array(z.string()), []),
  status: z.optional(z.string()),
  appliedAt: text,
  decidedAt: text,
});

const ApprovalRequestSchema = z.object({
  target: text,
  endpointId: text,
  domainId: z.optional(z.string()),
  requestedAt: z.optional(z.string()),
  rule: text,
  raisedAt: text,
  remindAt: text,
  reminders: z.number(),
  state: z.optional(z.enum(['raising', 'raised', 'closed'])),
  leaseUntil: z.optional(text),
  channels: z.optional(z.record(z.string(), z.record(z.string(), z.string()))),
  reminderMessages: z.optional(
    z.array(z.object({ channel: text, handle: z.record(z.string(), z.string()) })),
  ),
  closure: z.optional(
    z.object({
      result: text,
      by: z.string(),
      via: z.string(),
      at: text,
      decisionId: z.optional(z.string()),
    }),
  ),
  closedChannels: z.optional(z.record(z.string(), z.string())),
});

const ApprovalIssueSchema = z.object({
  target: text,
  endpointId: text,
  system: z.literal('jira'),
  key: text,
  createdAt: text,
});

const ApprovalIssueRecordSchema = z.object({
  target: text,
  endpointId: text,
  system: z.literal('jira'),
  key: z.optional(text),
  createdAt: z.optional(text),
  claimedAt: z.optional(text),
});

function parseRecord<T>(schema: z.ZodMiniType<T>, values: unknown, what: string): T {
  const parsed = schema.safeParse(values);
  if (!parsed.success)
    throw new ValidationError(toFieldIssues(parsed.error.issues), `malformed ${what} record`);
  return parsed.data;
}

export function readAppliedDecision(values: Record<string, unknown>): AppliedDecision {
  return parseRecord(AppliedDecisionSchema, values, 'ledger decision') as AppliedDecision;
}

export function readApprovalRequest(values: Record<string, unknown>): ApprovalRequest {
  return parseRecord(ApprovalRequestSchema, values, 'approval request') as ApprovalRequest;
}

export function readApprovalIssue(values: Record<string, unknown>): ApprovalIssue {
  return parseRecord(ApprovalIssueSchema, values, 'approval issue');
}

export function readApprovalIssueRecord(values: Record<string, unknown>): ApprovalIssueRecord {
  return parseRecord(ApprovalIssueRecordSchema, values, 'approval issue') as ApprovalIssueRecord;
}

/**
 * ISO 8601 in UTC with milliseconds (`2026-11-26T10:00:00.000Z`): fixed width, so text order in a sort
 * key is time order. Any ISO 8601 time with an offset is accepted and converted.
 */
export function isoTime(value: string | Date, field: string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime()) || (typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}T/.test(value)))
    throw new ValidationError(
      [{ path: field, message: 'must be an ISO 8601 time' }],
      'invalid ledger record',
    );
  return date.toISOString();
}

/** The normalized target key (`vpcep:<serviceId>` lower-cased), or a ValidationError naming the field. */
export function normalizeTarget(target: string, field = 'target'): string {
  const key = parseTargetKey(target);
  if (key === undefined)
    throw new ValidationError(
      [{ path: field, message: 'must be vpcep:<serviceId> or apig:<instanceId>' }],
      'invalid ledger record',
    );
  return key;
}
