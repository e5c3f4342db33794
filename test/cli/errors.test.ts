/**
 * Mistakes a person makes at the command line and in a decision file, and what the CLI says back: one
 * line naming the mistake (with a suggestion where one is close), the usage of the command, exit 2, and
 * no call; never node:util's parser message or the whole help.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliWith } from '../helpers/cli.ts';
import { aDecision, ENDPOINT_ID, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const TARGET = `vpcep:${SERVICE_ID}`;
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

describe('argument errors', () => {
  it.each([
    [['decide', '--dryrun', '--file', '-'], '--dryrun: unknown option; did you mean --dry-run?', 'decide'],
    [['status', '--taget', TARGET], '--taget: unknown option; did you mean --target?', 'status'],
    [['status', '--target'], '--target: needs a value', 'status'],
    [['status'], '--target: required: vpcep:<serviceId> or apig:<instanceId>', 'status'],
    [['history', '--target', TARGET, '--quiet=yes'], '--quiet: takes no value', 'history'],
    [['status', '-x'], '-x: unknown option', 'status'],
  ])('%j: one line, then the usage of that command, exit 2', async (argv, line, command) => {
    const run = await runCliWith(argv, h.env);

    expect(run.code).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`invalid arguments: ${line}`);
    expect(lines[1]).toMatch(new RegExp(`^Usage: vpcep-approval ${command} `));
    expect(lines.at(-1)).toBe(`'vpcep-approval ${command} --help' shows its options and an example.`);
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(run.stderr).not.toMatch(/positional argument|ERR_PARSE_ARGS|Unknown option '/);
    expect(run.stdout).toBe('');
    expect(h.sim.calls).toHaveLength(0);
  });

  it.each([
    ['statu', 'status'],
    ['decid', 'decide'],
    ['hsitory', 'history'],
  ])('a misspelled command (%s) suggests %s and lists the commands', async (typed, meant) => {
    const run = await runCliWith([typed, '--target', TARGET], h.env);

    expect(run.code).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`invalid arguments: ${typed}: unknown command; did you mean ${meant}?`);
    expect(lines[1]).toBe('Usage: vpcep-approval <command> [options]');
    expect(lines[2]).toBe('Commands: decide, validate, status, pending, history, whitelist, sweep');
  });

  it('suggests nothing for a word far from every command', async () => {
    const run = await runCliWith(['frobnicate'], h.env);

    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe('invalid arguments: frobnicate: unknown command');
  });
});

describe('decision errors', () => {
  async function validate(input: string) {
    return runCliWith(['validate', '--file', '-'], h.env, input);
  }

  it('a missing field is "required", not the shape it would have had', async () => {
    const { target: _omitted, ...noTarget } = aDecision();
    const decision = aDecision() as { target: Record<string, unknown> };
    const { serviceId: _id, ...target } = decision.target;

    const missingId = await validate(JSON.stringify({ ...decision, target }));
    const missingTarget = await validate(JSON.stringify(noTarget));
    const missingAction = await validate(JSON.stringify({ ...aDecision(), action: undefined }));

    expect(missingId.code).toBe(2);
    expect(missingId.stderr).toBe('invalid decision:\n  target.serviceId: required\n');
    expect(missingTarget.stderr).toContain('  target: required\n');
    expect(missingAction.stderr).toContain('  action: required\n');
  });

  it('keeps the shape message for a value given in the wrong shape', async () => {
    const run = await validate(JSON.stringify(aDecision({ endpoints: ['nope'] })));

    expect(run.stderr).toContain('endpoints[0]: must be a UUID');
  });

  it('an unknown key suggests the known one it resembles', async () => {
    const decision = aDecision() as { target: Record<string, unknown> };
    const { serviceId, ...target } = decision.target;

    const run = await validate(
      JSON.stringify({ ...decision, target: { ...target, serviceID: serviceId }, reasn: 'x', zzz: 1 }),
    );

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('  target.serviceID: unknown field; did you mean serviceId?\n');
    expect(run.stderr).toContain('  reasn: unknown field; did you mean reason?\n');
    expect(run.stderr).toContain('  zzz: unknown field\n');
  });

  it('a JSON syntax error gives its line and column, in decide as in validate', async () => {
    const text = '{\n  "id": "CHG-1",\n  "action": "accept"\n  "target": {}\n}\n';

    const validated = await validate(text);
    const decided = await runCliWith(['decide', '--file', '-'], h.env, text);

    for (const run of [validated, decided]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^invalid decision:\n {2}\(root\): not valid JSON: line 4, column 3: \S/);
      expect(run.stderr).not.toContain('position');
    }
    expect(h.sim.calls).toHaveLength(0);
  });

  it('an unfinished file points at its end', async () => {
    const run = await validate('{\n  "id": "CHG-1",');

    expect(run.stderr).toContain('not valid JSON: line 2, column 17: ');
  });
});

describe('words', () => {
  it('status calls a connection endpointId, as outcomes, pending and history do', async () => {
    const run = await runCliWith(['status', '--target', TARGET], h.env);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).connections).toEqual([
      expect.objectContaining({ endpointId: ENDPOINT_ID, status: 'pendingAcceptance' }),
    ]);
  });

  it('an expired decision says how old in human units', async () => {
    const decidedAt = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const run = await runCliWith(
      ['decide', '--file', '-', '--output', 'text'],
      h.env,
      JSON.stringify(aDecision({ decidedAt })),
    );

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`decided at ${decidedAt}, more than a day ago`);
    expect(run.stdout).not.toMatch(/\d{5,} ms/);
    expect(h.sim.countCalls('vpcep.action')).toBe(0);
  });
});

describe('error lines on stderr', () => {
  const ESCAPES = 'EndPoint.\u001b[31m';
  const MESSAGE = 'bad\u001b]0;pwned\u0007 \u009b2J';

  it("show control characters in Huawei's error message as ?, not as terminal escapes", async () => {
    h.sim.inject({
      op: 'vpcep.list',
      times: 10,
      fault: { type: 'status', httpStatus: 400, errorCode: ESCAPES, errorMsg: MESSAGE },
    });

    const run = await runCliWith(['status', '--target', TARGET], h.env, '', { isTTY: true });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('status failed: ');
    expect(run.stderr).toContain('bad?]0;pwned? ?2J');
    for (const control of ['\u001b', '\u0007', '\u009b']) expect(run.stderr).not.toContain(control);
  });

  it('do so for any error the CLI reports, and for a configuration error', async () => {
    const { reportError } = await import('../../lib/cli/report.ts');
    const { ConfigError, VpcepApprovalError } = await import('../../lib/errors.ts');
    let stderr = '';
    const io = {
      stdout() {},
      stderr: (text: string) => (stderr += text),
      readStdin: async () => '',
      env: {},
    };

    const failed = await reportError(
      new VpcepApprovalError('LEDGER_UNAVAILABLE', `ledger ${MESSAGE}`, { retryable: true }),
      io,
    );
    const refused = await reportError(new ConfigError('LEDGER_TABLE_NAME', `no ${MESSAGE}`), io);

    expect([failed, refused]).toEqual([1, 2]);
    expect(stderr).toContain('error: LEDGER_UNAVAILABLE: ledger bad?]0;pwned? ?2J');
    for (const control of ['\u001b', '\u0007', '\u009b']) expect(stderr).not.toContain(control);
  });
});
