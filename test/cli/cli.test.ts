import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliWith } from '../helpers/cli.ts';
import { aDecision, ENDPOINT_ID, endpointIds, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { AK, type Harness, SK, startHarness } from '../helpers/harness.ts';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
  h.sim.seed({
    kind: 'vpcep',
    projectId: PROJECT_ID,
    targetId: SERVICE_ID,
    connections: [{ id: ENDPOINT_ID, status: 'pendingAcceptance' }],
  });
});
afterEach(async () => {
  await h.close();
});

async function decisionFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vpcep-cli-'));
  const path = join(dir, 'decision.json');
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('vpcep-approval decide', () => {
  it('executes a decision from a file, prints the outcome and exits 0', async () => {
    const run = await runCliWith(['decide', '--file', await decisionFile(aDecision())], h.env);

    expect(run.code).toBe(0);
    const outcome = JSON.parse(run.stdout);
    expect(outcome).toMatchObject({
      decisionId: 'CHG-1042',
      action: 'accept',
      status: 'succeeded',
      requestedBy: 'alice@example.com',
    });
    expect(outcome.results[0]).toMatchObject({ endpointId: ENDPOINT_ID, status: 'accepted', changed: true });
  });

  it('reads the decision from stdin with --file -', async () => {
    const run = await runCliWith(
      ['decide', '--file', '-'],
      h.env,
      JSON.stringify(aDecision({ action: 'reject' })),
    );

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).results[0].status).toBe('rejected');
  });

  it('exits 1 and still prints the outcome when an endpoint fails', async () => {
    const [stranger] = endpointIds(1);
    const run = await runCliWith(
      ['decide', '--file', '-'],
      h.env,
      JSON.stringify(aDecision({ endpoints: [ENDPOINT_ID, stranger as string] })),
    );

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).status).toBe('partial');
  });

  it('exits 1 with a denied outcome when the allowlist refuses the target', async () => {
    const env = { ...h.env, VPCEP_APPROVAL_ALLOWED_TARGETS: `vpcep:${endpointIds(1)[0]}` };
    const run = await runCliWith(['decide', '--file', '-'], env, JSON.stringify(aDecision()));

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).status).toBe('denied');
    expect(h.sim.calls).toHaveLength(0);
  });

  it('does not act in --dry-run', async () => {
    const run = await runCliWith(['decide', '--dry-run', '--file', '-'], h.env, JSON.stringify(aDecision()));

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      dryRun: true,
      results: [{ status: 'pendingAcceptance', changed: true }],
    });
    expect(h.sim.calls.filter((c) => c.op === 'vpcep.action')).toHaveLength(0);
  });

  it.each([
    ['a field of the wrong shape', JSON.stringify(aDecision({ endpoints: ['nope'] })), 'endpoints[0]'],
    ['an unknown field', JSON.stringify({ ...aDecision(), approver: 'bob' }), 'approver'],
    ['text that is not JSON', '{"id": "x",', 'not valid JSON'],
  ])('exits 2 on %s, names it on stderr and never reaches the network', async (_name, input, named) => {
    const run = await runCliWith(['decide', '--file', '-'], h.env, input);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(named);
    expect(JSON.parse(run.stdout).status).toBe('invalid');
    expect(h.sim.calls).toHaveLength(0);
  });

  it('exits 2 naming the variable when credentials are missing, before any call', async () => {
    const env = { ...h.env, HUAWEICLOUD_SDK_AK: undefined, HUAWEICLOUD_SDK_SK: undefined };
    const run = await runCliWith(['decide', '--file', '-'], env, JSON.stringify(aDecision()));

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/HUAWEICLOUD_SDK_AK/);
    expect(h.sim.calls).toHaveLength(0);
  });

  it('exits 2 when the file does not exist', async () => {
    const run = await runCliWith(['decide', '--file', '/nonexistent/decision.json'], h.env);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--file: cannot read .*ENOENT/);
  });

  it('never writes a credential to stdout or stderr', async () => {
    const env = { ...h.env, VPCEP_APPROVAL_LOG_LEVEL: 'debug' };
    h.sim.inject({
      op: 'vpcep.action',
      times: 1,
      fault: { type: 'status', httpStatus: 500, errorCode: 'EndPoint.0001' },
    });
    const run = await runCliWith(['decide', '--file', '-'], env, JSON.stringify(aDecision()));

    expect(run.code).toBe(0);
    expect(run.stderr).toContain('will be retried');
    for (const secret of [AK, SK]) expect(run.stdout + run.stderr).not.toContain(secret);
  });
});

describe('vpcep-approval decide on arbitrary input', () => {
  it('never calls the API for input it refuses (exit 2), and names the problem', async () => {
    const mutated = fc.oneof(
      fc.jsonValue(),
      fc
        .record({
          key: fc.constantFrom('id', 'action', 'target', 'endpoints', 'reason', 'source'),
          value: fc.jsonValue(),
        })
        .map(({ key, value }) => ({ ...aDecision(), [key]: value })),
      fc.string({ minLength: 1 }).map((extra) => ({ ...aDecision(), [`x${extra}`]: 1 })),
    );
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(mutated, async (input) => {
        const before = h.sim.calls.length;
        const run = await runCliWith(['decide', '--file', '-'], h.env, JSON.stringify(input) ?? 'null');
        if (run.code !== 2) return;
        refused += 1;
        expect(h.sim.calls.length).toBe(before);
        expect(run.stderr).toMatch(/^invalid decision:\n {2}\S/);
      }),
      { numRuns: 150 },
    );
    // The generator is built to produce mostly invalid decisions; make sure the property was exercised.
    expect(refused).toBeGreaterThan(100);
  });
});

describe('vpcep-approval validate', () => {
  it('prints the normalized decision and exits 0', async () => {
    const run = await runCliWith(
      ['validate', '--file', '-'],
      {},
      JSON.stringify(aDecision({ action: 'receive' })),
    );

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).action).toBe('accept');
  });

  it('exits 2 naming the field', async () => {
    const run = await runCliWith(['validate', '--file', '-'], {}, JSON.stringify(aDecision({ id: '' })));

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('id:');
  });

  it('resolves the target as decide does: exits 2 when no project or region is given or configured', async () => {
    const bare = JSON.stringify(aDecision({ target: { type: 'vpcep', serviceId: SERVICE_ID } }));

    const unset = await runCliWith(['validate', '--file', '-'], {}, bare);
    const configured = await runCliWith(['validate', '--file', '-'], h.env, bare);

    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('target.projectId: not given, and HUAWEICLOUD_SDK_PROJECT_ID is not set');
    expect(unset.stderr).toContain('target.region');
    expect(configured.code).toBe(0);
    expect(h.sim.calls).toHaveLength(0);
  });

  it('applies policy as decide does: exits 1 when the allowlist refuses the target', async () => {
    const run = await runCliWith(
      ['validate', '--file', '-'],
      { VPCEP_APPROVAL_ALLOWED_TARGETS: `vpcep:${ENDPOINT_ID}` },
      JSON.stringify(aDecision()),
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('VPCEP_APPROVAL_ALLOWED_TARGETS');
    expect(run.stdout).toBe('');
  });
});

describe('vpcep-approval status', () => {
  it('lists the connections of a target', async () => {
    const run = await runCliWith(['status', '--target', `vpcep:${SERVICE_ID}`], h.env);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).connections).toEqual([
      expect.objectContaining({ id: ENDPOINT_ID, status: 'pendingAcceptance' }),
    ]);
  });

  it('asks for one endpoint by id with --endpoint', async () => {
    const run = await runCliWith(
      ['status', '--target', `vpcep:${SERVICE_ID}`, '--endpoint', ENDPOINT_ID],
      h.env,
    );

    expect(run.code).toBe(0);
    expect(h.sim.calls[0]?.query).toMatchObject({ id: ENDPOINT_ID });
  });

  it('says what is wrong with a target id', async () => {
    const run = await runCliWith(['status', '--target', 'vpcep:1234'], h.env);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--target: serviceId must be a UUID');
  });

  it.each([
    [['status', '--target', 'vpcep:nope'], '--target'],
    [['status'], '--target'],
    [['status', '--target', `vpcep:${SERVICE_ID}`, '--endpoint', 'x'], '--endpoint'],
  ])('exits 2 on bad arguments %j', async (argv, named) => {
    const run = await runCliWith(argv, h.env);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(named);
    expect(h.sim.calls).toHaveLength(0);
  });
});

describe('the vpcep-approval executable', () => {
  it('runs on Node 24 from bin/, reading stdin and exiting with the outcome code', async () => {
    const child = spawn(process.execPath, ['bin/vpcep-approval.js', 'decide', '--file', '-'], {
      env: { PATH: process.env.PATH, ...h.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(JSON.stringify(aDecision()));
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(code).toBe(0);
    expect(JSON.parse(stdout).status).toBe('succeeded');
  });

  it('prints usage and exits 2 for an unknown option', async () => {
    const run = await runCliWith(['decide', '--bogus'], {});

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: vpcep-approval');
  });
});
