/**
 * `npm ci` installs exactly what the lock file lists and refuses a lock file that disagrees with
 * package.json. npm records every optional platform package a dependency declares, so a lock file
 * missing some of them makes `npm ci` fail and `npm install` rewrite it on a fresh clone.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Lock = { packages: Record<string, { optionalDependencies?: Record<string, string> }> };

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as Lock;

describe('package-lock.json', () => {
  it('lists every optional dependency of every locked package', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        // npm hoists to the root unless a nested copy is needed.
        const nested = `${path}/node_modules/${name}`;
        if (!(nested in lock.packages) && !(`node_modules/${name}` in lock.packages))
          missing.push(`${path} → ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
