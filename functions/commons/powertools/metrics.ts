/**
 * The functions' metrics: Powertools Metrics (CloudWatch EMF on stdout, namespace VpcepApproval,
 * dimension `service`; POWERTOOLS_METRICS_* honoured), flushed by `logMetrics`, with a ColdStart
 * metric. lib/ records through MetricsRecorder; each dimension set it uses (`op`, `status`, `result`)
 * becomes one EMF document, since EMF applies a document's dimensions to all its metrics.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { Logger } from '../../../lib/log.ts';
import {
  type Dimensions,
  METRICS_NAMESPACE,
  type MetricName,
  type MetricsRecorder,
} from '../../../lib/metrics.ts';

type MetricUnitValue = (typeof MetricUnit)[keyof typeof MetricUnit];

export type FunctionMetrics = {
  /** For `logMetrics`: the ColdStart metric. */
  metrics: Metrics;
  /** For lib/: what it records is published by `publishRecorded` at the end of each invocation. */
  recorder: MetricsRecorder;
  /** Publishes what was recorded, one EMF document per dimension set; before logMetrics flushes. */
  publishRecorded: MiddlewareObj;
};

/** Metrics that write their EMF lines to `write` when given one (the local stack and tests), else stdout. */
class RoutedMetrics extends Metrics {
  sink: ((line: string) => void) | undefined;

  override publishStoredMetrics(): this {
    if (this.sink === undefined || this.isDisabled()) return super.publishStoredMetrics();
    if (this.hasStoredMetrics()) this.sink(JSON.stringify(this.serializeMetrics()));
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }
}

export function createMetrics(
  service: string,
  logger: Logger,
  write?: (line: string) => void,
): FunctionMetrics {
  const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? service;
  // Metrics' own notices (an invocation that recorded nothing, such as a queued webhook request, is
  // normal here) are debug lines; its errors stay errors.
  const notices = {
    debug: (message: string) => logger.debug(message),
    info: (message: string) => logger.debug(message),
    warn: (message: string) => logger.debug(message),
    error: (message: string) => logger.error(message),
  };
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName, logger: notices });
  // One more instance serializes the recorded dimension sets, one after the other: built once here, not
  // per set and invocation (each Metrics builds its own Console).
  const sets = new RoutedMetrics({ namespace: METRICS_NAMESPACE, serviceName, logger: notices });
  sets.sink = write;
  let recorded = new Map<
    string,
    { dimensions: Dimensions; points: Array<[MetricName, MetricUnitValue, number]> }
  >();
  const record = (name: MetricName, unit: MetricUnitValue, value: number, dimensions: Dimensions = {}) => {
    const key = JSON.stringify(Object.entries(dimensions).sort());
    const set = recorded.get(key) ?? { dimensions, points: [] };
    set.points.push([name, unit, value]);
    recorded.set(key, set);
  };
  const publish = () => {
    for (const { dimensions, points } of recorded.values()) {
      for (const [name, value] of Object.entries(dimensions)) sets.addDimension(name, value);
      for (const [name, unit, value] of points) sets.addMetric(name, unit, value);
      sets.publishStoredMetrics();
    }
    recorded = new Map();
  };
  return {
    metrics,
    recorder: {
      count: (name, value = 1, dimensions) => record(name, MetricUnit.Count, value, dimensions),
      timing: (name, ms, dimensions) => record(name, MetricUnit.Milliseconds, ms, dimensions),
    },
    publishRecorded: { after: publish, onError: publish },
  };
}
