/**
 * The installed CLI runs on Node 20 and later, while lib/ is written for the functions' Node 24. What
 * lib/ uses of newer JavaScript is filled in here, for the CLI's process only: esbuild lowers syntax,
 * not built-ins. Each shim is a no-op where the runtime has the real one.
 */
export function shimForOlderNode(): void {
  // Node 22: the executor waits on one.
  if (typeof Promise.withResolvers !== 'function') {
    Promise.withResolvers = <T>() => {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((ok, fail) => {
        resolve = ok;
        reject = fail;
      });
      return { promise, resolve, reject };
    };
  }
}
