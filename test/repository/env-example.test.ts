/**
 * .env.example works as its header says: loaded as it is (`set -a; . ./.env; set +a`), it sets nothing that
 * turns `npm start` away from its simulator; and its commented block for the CLI is what `npm run
 * simulator` prints for its default port.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliEnvironment, DEMO } from '../../simulator/main.ts';

const file = fileURLToPath(new URL('../../.env.example', import.meta.url));
const text = readFileSync(file, 'utf8');

/** The variables a shell has after loading the file as its header says, in an otherwise empty environment. */
function loaded(): Record<string, string> {
  const run = spawnSync('bash', ['-c', 'set -a; . "$1"; set +a; env -0', 'load', file], {
    env: { PATH: process.env.PATH ?? '' },
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return Object.fromEntries(
    run.stdout
      .split('\0')
      .filter((entry) => entry.includes('='))
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

describe('.env.example', () => {
  it('loaded as it is, sets nothing that makes npm start leave its simulator', () => {
    const env = loaded();
    // local/stack.ts uses the simulator unless one of these is set.
    expect(env.HUAWEICLOUD_SDK_AK).toBeUndefined();
    expect(env.HUAWEICLOUD_AUTH_TOKEN).toBeUndefined();
    expect(Object.keys(env).filter((k) => k.startsWith('HUAWEICLOUD_'))).toEqual([]);
  });

  it('holds, commented, the lines npm run simulator prints for its default port', () => {
    const start = text.indexOf('# --- The CLI against the standalone simulator ---');
    const block = text.slice(start, text.indexOf('\n\n', start));
    const lines = block
      .split('\n')
      .filter((l) => /^# [A-Z][A-Z0-9_]*=/.test(l))
      .map((l) => l.slice(2));
    expect(lines.join('\n')).toBe(cliEnvironment('http://127.0.0.1:8080', DEMO.ak, DEMO.sk));
  });
});
