/**
 * Metrics as CloudWatch Embedded Metric Format: one JSON line on stdout per flush, which Lambda's log
 * pipeline turns into metrics with no API call and no client to load at cold start. (Powertools Metrics
 * does the same with more features; the handful of counters here do not need them.)
 */

export type MetricUnit = 'Count' | 'Milliseconds';

export type Metrics = {
  count(name: string, value?: number, dimensions?: Record<string, string>): void;
  timing(name: string, ms: number, dimensions?: Record<string, string>): void;
  /** Writes what was recorded and starts afresh; call once per invocation. */
  flush(): void;
};

type Point = { name: string; unit: MetricUnit; value: number; dimensions: Record<string, string> };

export function createEmfMetrics(options: {
  namespace: string;
  service: string;
  write?: (line: string) => void;
  clock?: () => Date;
}): Metrics {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clock = options.clock ?? (() => new Date());
  let points: Point[] = [];
  const record = (name: string, unit: MetricUnit, value: number, dimensions: Record<string, string> = {}) => {
    points.push({ name, unit, value, dimensions });
  };
  return {
    count: (name, value = 1, dimensions) => record(name, 'Count', value, dimensions),
    timing: (name, ms, dimensions) => record(name, 'Milliseconds', ms, dimensions),
    flush() {
      // One EMF document per distinct dimension set: EMF applies a document's dimensions to all its metrics.
      const byDimensions = new Map<string, Point[]>();
      for (const point of points) {
        const key = JSON.stringify(Object.entries(point.dimensions).sort());
        byDimensions.set(key, [...(byDimensions.get(key) ?? []), point]);
      }
      for (const group of byDimensions.values()) write(JSON.stringify(emfDocument(options, group, clock())));
      points = [];
    },
  };
}

function emfDocument(options: { namespace: string; service: string }, points: Point[], now: Date) {
  const dimensions = { service: options.service, ...points[0]?.dimensions };
  const values: Record<string, number | number[]> = {};
  const units = new Map<string, MetricUnit>();
  for (const point of points) {
    const previous = values[point.name];
    // Counts add up; timings are kept as a list, which EMF accepts as several samples.
    if (point.unit === 'Count')
      values[point.name] = (typeof previous === 'number' ? previous : 0) + point.value;
    else values[point.name] = [...(Array.isArray(previous) ? previous : []), point.value];
    units.set(point.name, point.unit);
  }
  return {
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: options.namespace,
          Dimensions: [Object.keys(dimensions)],
          Metrics: [...units].map(([Name, Unit]) => ({ Name, Unit })),
        },
      ],
    },
    ...dimensions,
    ...values,
  };
}

/** Records nothing: for the CLI and tests that do not look at metrics. */
export const noMetrics: Metrics = { count() {}, timing() {}, flush() {} };
