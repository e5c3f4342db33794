/**
 * What the sweep's later steps publish on the outcome topic besides approval requests: drift
 * (`eventType=drift.detected`, once per change, and one `baseline` summary per target) and, for a
 * target without `reconcile`, the accepted connections its rules no longer allow
 * (`eventType=policy.violation`, once a day per connection).
 */
import type { BaselineCounts, DriftChange } from './drift.ts';
import type { Violation } from './reconcile.ts';

export const SWEEP_EVENT_TYPE = { drift: 'drift.detected', violation: 'policy.violation' } as const;

type About = { target: string; account: string; region: string; detectedAt: string };

export type DriftEvent = About & { eventType: typeof SWEEP_EVENT_TYPE.drift } & (
    | DriftChange
    | { kind: 'baseline'; counts: BaselineCounts }
  );

export type PolicyViolationEvent = About & { eventType: typeof SWEEP_EVENT_TYPE.violation } & Violation;

export type SweepEvent = DriftEvent | PolicyViolationEvent;
