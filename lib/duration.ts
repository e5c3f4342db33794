/** Durations for people: `a day`, `5 minutes`, `36 hours`, not `86400000 ms`. */

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** In the largest unit that measures it exactly (`90 seconds`, `2 days`); milliseconds otherwise. */
export function humanDuration(ms: number): string {
  for (const [unit, size] of UNITS) {
    if (ms >= size && ms % size === 0) {
      const count = ms / size;
      return count === 1 ? `a${unit === 'hour' ? 'n' : ''} ${unit}` : `${count} ${unit}s`;
    }
  }
  return `${ms} ms`;
}
