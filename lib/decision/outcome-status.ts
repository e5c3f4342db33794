/**
 * The statuses an outcome can have: read by the outcome's helpers (outcome.ts) and by its schema
 * (outcome-schema.ts), which the functions do not load. A module of its own so that neither imports
 * the other.
 */
export const OUTCOME_STATUSES = [
  'succeeded',
  'partial',
  'failed',
  'in_progress',
  'invalid',
  'denied',
  /** The target asks people and not enough have approved yet: no call was made. */
  'awaiting_approval',
  /** Every endpoint had a later decision applied already: no action call was made. */
  'superseded',
  /** Past its `expiresAt` or the maximum decision age: no call was made. */
  'expired',
] as const;
