/** `npm run simulator` as a person uses it: start it, paste the printed lines, use the CLI. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../simulator/main.ts';
import { runCliWith } from '../helpers/cli.ts';
import { ROOT } from '../helpers/packaging.ts';

let child: ChildProcess | undefined;
afterEach(async () => {
  if (child !== undefined && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

function printed(process: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    process.stdout?.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Ctrl-C stops.')) resolve(out);
    });
    process.once('exit', (code) => reject(new Error(`the simulator exited (${code}): ${out}`)));
  });
}

describe('the standalone simulator', () => {
  it('prints the environment for the CLI, and the demo VPCEP and APIG targets answer with it', async () => {
    child = spawn(process.execPath, ['simulator/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, SIMULATOR_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = await printed(child);

    const env = Object.fromEntries(
      [...output.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1] as string, m[2] as string]),
    );
    expect(Object.keys(env).sort()).toEqual([
      'HUAWEICLOUD_APIG_ENDPOINT',
      'HUAWEICLOUD_REGION',
      'HUAWEICLOUD_SDK_AK',
      'HUAWEICLOUD_SDK_PROJECT_ID',
      'HUAWEICLOUD_SDK_SK',
      'HUAWEICLOUD_VPCEP_ENDPOINT',
    ]);
    expect(new URL(env.HUAWEICLOUD_VPCEP_ENDPOINT ?? '').hostname).toBe('127.0.0.1');

    for (const [target, endpoints] of [
      [`vpcep:${DEMO.serviceId}`, DEMO.vpcepEndpoints],
      [`apig:${DEMO.instanceId}`, DEMO.apigEndpoints],
    ] as const) {
      const run = await runCliWith(['status', '--target', target], env);
      expect(run.code, run.stderr).toBe(0);
      const listed = JSON.parse(run.stdout).connections as Array<{ id: string; status: string }>;
      expect(listed.map((c) => c.id).sort()).toEqual([...endpoints].sort());
      for (const connection of listed) expect(connection.status).toBe('pendingAcceptance');
    }
  });

  it('a busy SIMULATOR_PORT is one line naming the port and SIMULATOR_PORT, exit 1', async () => {
    const first = spawn(process.execPath, ['simulator/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, SIMULATOR_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = first;
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(await printed(first))?.[1]);

    const second = spawn(process.execPath, ['simulator/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, SIMULATOR_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    second.stderr?.on('data', (c) => {
      stderr += c;
    });
    const [code] = await once(second, 'exit');

    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `port ${port} on 127.0.0.1 is already in use: set SIMULATOR_PORT to another port (SIMULATOR_PORT=0 picks a free one)`,
    );
  });
});
