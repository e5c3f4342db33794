/**
 * A cache whose entries are promises: callers that ask for the same key while it is being fetched share
 * the one fetch (single flight), a value is kept until its own expiry says otherwise, and a failed
 * fetch is forgotten so the next caller tries again (its callers all see the failure).
 */
export type FlightCache<V> = { get(key: string, fetch: () => Promise<V>): Promise<V>; clear(): void };

export function flightCache<V>(options: {
  /** When a fetched value stops being served (epoch ms); undefined keeps it for the container's life. */
  staleAt?: (value: V) => number;
  now: () => number;
}): FlightCache<V> {
  const entries = new Map<string, { value: Promise<V>; staleAt?: number }>();
  return {
    get(key, fetch) {
      const entry = entries.get(key);
      if (entry !== undefined && (entry.staleAt === undefined || options.now() < entry.staleAt))
        return entry.value;
      const fresh: { value: Promise<V>; staleAt?: number } = { value: fetch() };
      entries.set(key, fresh);
      fresh.value.then(
        (value) => {
          if (options.staleAt !== undefined) fresh.staleAt = options.staleAt(value);
        },
        () => {
          if (entries.get(key) === fresh) entries.delete(key);
        },
      );
      return fresh.value;
    },
    clear: () => entries.clear(),
  };
}
