/** `npm start` as a person runs it: a child process, stopped by a signal, on a port that may be taken. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runProcess } from '../../scripts/run-process.ts';
import { ROOT } from '../helpers/packaging.ts';

const children: ChildProcess[] = [];
const blockers: Server[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const server of blockers.splice(0)) await new Promise((r) => server.close(r));
});

function npmStart(env: Record<string, string>) {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, ...env, VPCEP_APPROVAL_LOG_LEVEL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (c) => {
    output.stdout += c;
    child.emit('stdout-changed');
  });
  child.stderr?.on('data', (c) => {
    output.stderr += c;
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, output, exited };
}

/** Resolves when stdout has printed the whole banner (its last line). */
function banner(child: ChildProcess, output: { stdout: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (output.stdout.includes('Ctrl-C stops.')) {
        child.off('stdout-changed', check);
        resolve(output.stdout);
      }
    };
    child.on('stdout-changed', check);
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before its banner`)));
    check();
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('npm start', () => {
  it('on a busy port, exits 1 with one line naming the port and PORT, not a stack trace', async () => {
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const busy = (blocker.address() as { port: number }).port;

    const { output, exited } = npmStart({ PORT: String(busy) });
    const [code] = await exited;

    expect(code).toBe(1);
    expect(output.stderr).toContain(
      `port ${busy} on 127.0.0.1 is already in use: set PORT to another port (PORT=0 picks a free one)`,
    );
    expect(output.stderr).not.toContain("Unhandled 'error' event");
    expect(output.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('stops on SIGTERM with every port it listened on freed', async () => {
    const { child, output, exited } = npmStart({ PORT: '0' });
    const printed = await banner(child, output);
    const ports = [...printed.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
    const distinct = [...new Set(ports)];
    // The webhook, the simulator, the Jira stand-in, the SQS/SNS emulator, the ledger, the Slack
    // stand-in and the DingTalk/WeCom stand-in, each listening now.
    expect(distinct).toHaveLength(7);
    for (const port of distinct) expect(await refused(port), `port ${port} open`).toBe(false);

    child.kill('SIGTERM');
    await exited;

    for (const port of distinct) expect(await refused(port), `port ${port} freed`).toBe(true);
  }, 60_000);

  it('sweeps: the trusted account is accepted by the first sweep, the unknown one asked about in chat', async () => {
    const { child, output } = npmStart({ PORT: '0', SWEEP_INTERVAL_MS: '1000' });
    await banner(child, output);
    const printed = (pattern: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const line = output.stdout.split('\n').find((l) => pattern.test(l));
          if (line === undefined) return;
          child.off('stdout-changed', check);
          resolve(line);
        };
        child.on('stdout-changed', check);
        child.once('exit', () => reject(new Error(`npm start exited before printing ${pattern}`)));
        check();
      });

    const outcome = await printed(/^outcome published: .*rules:accept:1b4e28ba/);
    // The second account's service, listed nowhere: found by the sweep, decided in its account and region.
    const discovered = await printed(/^outcome published: .*rules:accept:d4c3b2a1/);
    expect(JSON.parse(discovered.slice('outcome published: '.length))).toMatchObject({
      status: 'succeeded',
      target: { serviceId: 'b1e2c3d4-5f60-4a7b-8c9d-0e1f2a3b4c5d', region: 'cn-east-3' },
      placement: { account: 'payments', region: 'cn-east-3' },
    });
    const request = await printed(/^approval requested: .*6fa459ea-ee8a-4ca4-894e-db77e160355e/);
    const posted = await printed(
      /^chat message posted \(Slack stand-in\): .*6fa459ea-ee8a-4ca4-894e-db77e160355e/,
    );

    expect(JSON.parse(outcome.slice('outcome published: '.length))).toMatchObject({
      status: 'succeeded',
      requestedBy: 'rule:autoAccept',
    });
    expect(JSON.parse(request.slice('approval requested: '.length))).toMatchObject({
      endpointId: '6fa459ea-ee8a-4ca4-894e-db77e160355e',
      domainId: '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a',
      whitelisted: false,
      rule: 'askPeople',
    });
    expect(posted).toContain('6fa459ea-ee8a-4ca4-894e-db77e160355e');
    // Asked once, however many sweeps have run since.
    expect(
      output.stdout.match(/^approval requested: .*"endpointId":"6fa459ea-ee8a-4ca4-894e-db77e160355e"/gm),
    ).toHaveLength(1);
    child.kill('SIGTERM');
  }, 60_000);

  it('shows two-person approval end to end: the printed clicks of alice (Slack, then Feishu: once) and bob accept', async () => {
    const { child, output } = npmStart({ PORT: '0', SWEEP_INTERVAL_MS: '1000' });
    const text = await banner(child, output);
    const clicks = text.match(/^body='[\s\S]*?--data-raw "\$body"$/gm) ?? [];
    expect(clicks).toHaveLength(3);
    const [aliceSlack, aliceFeishu, bobSlack] = clicks as [string, string, string];
    const run = async (script: string) => (await promisify(execFile)('sh', ['-c', script])).stdout;
    const accepted = () =>
      /^outcome published: .*"status":"succeeded".*6fa459ea-ee8a-4ca4-894e-db77e160355e/m.test(output.stdout);
    await until(() => /^approval requested: /m.test(output.stdout));

    await run(aliceSlack);
    expect(JSON.parse(await run(aliceFeishu))).toMatchObject({
      toast: { content: expect.stringContaining('(1 of 2)') },
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(accepted()).toBe(false);
    await run(bobSlack);
    await until(accepted);

    const outcome = output.stdout
      .split('\n')
      .find((l) => accepted() && l.includes('6fa459ea') && l.startsWith('outcome published:'));
    expect(JSON.parse((outcome ?? '').slice('outcome published: '.length))).toMatchObject({
      status: 'succeeded',
      approvedBy: ['alice via slack', 'bob via slack'],
    });
    child.kill('SIGTERM');
  }, 60_000);

  it('prints the line that shows, with the CLI, what the ledger recorded', async () => {
    const { child, output } = npmStart({ PORT: '0', SWEEP_INTERVAL_MS: '1000' });
    const printed = await banner(child, output);
    const line = printed
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.includes('npx vpcep-approval history'));
    expect(line).toMatch(/^LEDGER_TABLE_NAME=\S+ AWS_ENDPOINT_URL_DYNAMODB=http:\/\/127\.0\.0\.1:\d+ npx /);
    // The first sweep's automatic accept, recorded in the ledger once its outcome is out.
    await new Promise<void>((resolve) => {
      const check = () => {
        if (!/^outcome published: /m.test(output.stdout)) return;
        child.off('stdout-changed', check);
        resolve();
      };
      child.on('stdout-changed', check);
      check();
    });

    // As a person pastes it into a shell in the checkout, with no AWS settings of their own.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
    const run = await runProcess('sh', ['-c', line as string], { cwd: ROOT, env });

    expect(run.code, run.stderr).toBe(0);
    // Besides the sweep's first look at the target (its baseline, recorded as `external`).
    const decisions = JSON.parse(run.stdout).decisions as Array<{ action: string }>;
    expect(decisions.filter((d) => d.action !== 'external')).toEqual([
      expect.objectContaining({ action: 'accept', endpointId: '1b4e28ba-2fa1-41d2-883f-0016d3cca427' }),
    ]);
    child.kill('SIGTERM');
  }, 60_000);
});

describe('npm start across the estate', () => {
  it('onboards a consumer with the printed permit, and reports a console change as drift once', async () => {
    const { child, output } = npmStart({ PORT: '0', SWEEP_INTERVAL_MS: '1000' });
    const text = await banner(child, output);
    const permit =
      /^curl -sS -X POST '[^']*\/decisions' \\\n[^\n]*\n[^\n]*\n {2}-d '\{"id":"ONBOARD-1"[^\n]*$/m.exec(
        text,
      )?.[0];
    const byHand = /^curl -sS -X POST '[^']*\/console\/[^\n]*$/m.exec(text)?.[0];
    expect(permit).toBeDefined();
    expect(byHand).toBeDefined();
    const run = async (script: string) => (await promisify(execFile)('sh', ['-c', script])).stdout;
    await until(() => /^drift\.detected: .*"kind":"baseline"/m.test(output.stdout));

    expect(JSON.parse(await run(permit as string))).toMatchObject({
      decisionId: 'ONBOARD-1',
      status: 'queued',
    });
    expect(JSON.parse(await run(byHand as string))).toMatchObject({ status: 'accepted', by: 'console' });
    await until(() => /^outcome published: \{"decisionId":"ONBOARD-1"/m.test(output.stdout));
    await until(() => /^drift\.detected: .*"kind":"connection"/m.test(output.stdout));
    // Several sweeps later, still once.
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    const onboarded = output.stdout
      .split('\n')
      .find((l) => l.startsWith('outcome published: {"decisionId":"ONBOARD-1"'));
    expect(JSON.parse((onboarded ?? '').slice('outcome published: '.length))).toMatchObject({
      action: 'permit',
      status: 'succeeded',
      results: [
        expect.objectContaining({ endpointId: 'e5d4c3b2-a1f0-4e9d-8c7b-6a5f4e3d2c1b', status: 'accepted' }),
      ],
    });
    const drift = output.stdout.split('\n').filter((l) => /^drift\.detected: .*"kind":"connection"/.test(l));
    expect(drift).toHaveLength(1);
    expect(JSON.parse((drift[0] ?? '').slice('drift.detected: '.length))).toMatchObject({
      account: 'payments',
      region: 'cn-east-3',
      endpointId: 'f6e5d4c3-b2a1-4f0e-9d8c-7b6a5f4e3d2c',
      status: 'accepted',
    });
    child.kill('SIGTERM');
  }, 60_000);
});

/** Waits until the condition holds (checked every 100 ms), within the test's own time limit. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 100));
}
