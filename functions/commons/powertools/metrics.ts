/**
 * The functions' metrics: Powertools Metrics (CloudWatch EMF on stdout, namespace VpcepApproval,
 * dimension `service`; POWERTOOLS_METRICS_* honoured), flushed by `logMetrics`, with a ColdStart
 * metric. lib/ records through MetricsRecorder; each dimension set it uses (`op`, `status`, `result`)
 * becomes one EMF document, since EMF applies a document's dimensions to all its metrics.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { Logger } from '../../../lib/log.ts';
import { type Dimensions, METRICS_NAMESPACE, type MetricsRecorder } from '../../../lib/metrics.ts';

export type FunctionMetrics = {
  /** For `logMetrics`: the ColdStart metric. */
  metrics: Metrics;
  /** For lib/: what it records is published by `publishRecorded` at the end of each invocation. */
  recorder: MetricsRecorder;
  /** Publishes what was recorded, one EMF document per dimension set; before logMetrics flushes. */
  publishRecorded: MiddlewareObj;
};

export function createMetrics(service: string, logger: Logger): FunctionMetrics {
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
  const sets = new Map<string, Metrics>();
  const setFor = (dimensions: Dimensions = {}) => {
    const key = JSON.stringify(Object.entries(dimensions).sort());
    let set = sets.get(key);
    if (set === undefined) {
      set = new Metrics({
        namespace: METRICS_NAMESPACE,
        serviceName,
        defaultDimensions: dimensions,
        logger: notices,
      });
      sets.set(key, set);
    }
    return set;
  };
  const publish = () => {
    for (const set of sets.values()) set.publishStoredMetrics();
    sets.clear();
  };
  return {
    metrics,
    recorder: {
      count: (name, value = 1, dimensions) => setFor(dimensions).addMetric(name, MetricUnit.Count, value),
      timing: (name, ms, dimensions) => setFor(dimensions).addMetric(name, MetricUnit.Milliseconds, ms),
    },
    publishRecorded: { after: publish, onError: publish },
  };
}
