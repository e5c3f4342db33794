/**
 * The metrics lib/ records: counts and timings with dimensions, under the names dashboards and alarms
 * use (namespace `VpcepApproval`). The functions back this with Powertools Metrics (CloudWatch EMF on
 * stdout, see functions/commons/powertools/metrics.ts); the CLI records nothing.
 */
import type { AttemptEvent } from './huawei/client.ts';

export type Dimensions = Record<string, string>;

export type MetricsRecorder = {
  count(name: MetricName, value?: number, dimensions?: Dimensions): void;
  timing(name: MetricName, ms: number, dimensions?: Dimensions): void;
};

/** Every metric the project records, by the name CloudWatch shows. */
export type MetricName =
  | 'ApiCalls'
  | 'ApiRetries'
  | 'ApiLatency'
  | 'ApiThrottled'
  | 'ApiGovernorIntervalMs'
  | 'Decisions'
  | 'ChatNotifications'
  | 'DescriptionWriteFailed'
  | 'LedgerWriteFailed'
  | 'TicketNotifications'
  | 'SweepPending'
  | 'SweepDecisions'
  | 'SweepRequests'
  | 'SweepReminders'
  | 'SweepDeferred'
  | 'SweepClosed'
  | 'SweepErrors'
  | 'PendingConnections'
  | 'OldestPendingAgeSeconds'
  | 'Drift';

export const METRICS_NAMESPACE = 'VpcepApproval';

/** Each Huawei Cloud attempt: a call, maybe a retry, its latency, throttling and pacing, by operation. */
export function recordApiAttempt(metrics: MetricsRecorder, event: AttemptEvent): void {
  metrics.count('ApiCalls', 1, { op: event.op });
  if (event.attempt > 1) metrics.count('ApiRetries', 1, { op: event.op });
  metrics.timing('ApiLatency', event.durationMs, { op: event.op });
  // Throttled calls, and the spacing the host's governor keeps between attempts once it has a rate.
  if (event.throttled) metrics.count('ApiThrottled', 1, { op: event.op });
  if (event.governor.ratePerSec !== null)
    metrics.timing('ApiGovernorIntervalMs', 1_000 / event.governor.ratePerSec, { op: event.op });
}

/** Records nothing: for the CLI and tests that do not look at metrics. */
export const noMetrics: MetricsRecorder = { count() {}, timing() {} };
