/**
 * What a person at a terminal sees: text on stdout and, on stderr, human log lines (warnings and errors
 * unless VPCEP_APPROVAL_LOG_LEVEL asks for more), never the JSON lines programs read. In process with
 * the terminal flags, and once through a real pseudo-terminal (`script` from util-linux).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runProcess } from '../../scripts/run-process.ts';
import { runCliWith } from '../helpers/cli.ts';
import { aDecision, ENDPOINT_ID, endpointIds, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { AK, type Harness, SK, startHarness } from '../helpers/harness.ts';
import { ROOT } from '../helpers/packaging.ts';

const TERMINAL = { isTTY: true, stderrIsTTY: true };
const JSON_LINE = /^\{"level":/m;

let h: Harness;
/** The harness's environment as a person has it: no log level set. */
let env: Record<string, string | undefined>;

beforeEach(async () => {
  h = await startHarness();
  h.sim.seed({
    kind: 'vpcep',
    projectId: PROJECT_ID,
    targetId: SERVICE_ID,
    connections: [{ id: ENDPOINT_ID, status: 'pendingAcceptance' }],
  });
  env = { ...h.env, VPCEP_APPROVAL_LOG_LEVEL: undefined };
});
afterEach(async () => {
  await h.close();
});

const decision = () => JSON.stringify(aDecision());

describe('logs on a terminal', () => {
  it('a decision that goes well prints its table and no log line', async () => {
    const run = await runCliWith(['decide', '--file', '-'], env, decision(), TERMINAL);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^CHG-1042: accept on vpcep:\S+: succeeded\n/);
    expect(run.stderr).toBe('');
  });

  it('warnings read as text: level, message, then the fields', async () => {
    const denied = { ...env, VPCEP_APPROVAL_ALLOWED_TARGETS: `vpcep:${endpointIds(1)[0]}` };
    const run = await runCliWith(['decide', '--file', '-'], denied, decision(), TERMINAL);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^warn: decision denied by policy \(decisionId=CHG-1042, code=\S+\)$/m);
    expect(run.stderr).not.toMatch(JSON_LINE);
  });

  it('VPCEP_APPROVAL_LOG_LEVEL still asks for more, as text', async () => {
    const run = await runCliWith(
      ['decide', '--file', '-'],
      { ...env, VPCEP_APPROVAL_LOG_LEVEL: 'info' },
      decision(),
      TERMINAL,
    );

    expect(run.stderr).toMatch(/^info: decision finished \(decisionId=CHG-1042, status=succeeded, /m);
    expect(run.stderr).not.toMatch(JSON_LINE);
  });

  it('--log-format json gives JSON lines on a terminal; text works off one', async () => {
    const json = await runCliWith(
      ['decide', '--file', '-', '--log-format', 'json'],
      { ...env, VPCEP_APPROVAL_LOG_LEVEL: 'info' },
      decision(),
      TERMINAL,
    );
    const text = await runCliWith(
      ['decide', '--file', '-', '--log-format', 'text'],
      { ...env, VPCEP_APPROVAL_LOG_LEVEL: 'info' },
      decision(),
      { isTTY: false, stderrIsTTY: false },
    );

    expect(json.stderr).toMatch(/^\{"level":"info",.*"message":"decision finished"/m);
    expect(text.stderr).toMatch(/^info: decision finished /m);
    expect(text.stderr).not.toMatch(JSON_LINE);
  });

  it('off a terminal, logs stay JSON lines at the configured level', async () => {
    const run = await runCliWith(['decide', '--file', '-'], h.env, decision(), {
      isTTY: false,
      stderrIsTTY: false,
    });

    expect(run.stderr).toMatch(/^\{"level":"info",.*"message":"decision finished"/m);
  });

  it('refuses a --log-format it does not know (exit 2, naming it)', async () => {
    const run = await runCliWith(['decide', '--file', '-', '--log-format', 'yaml'], env, decision());

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--log-format: must be text or json');
    expect(h.sim.calls).toHaveLength(0);
  });

  it('text logs mask credentials and show control characters as ?', async () => {
    h.sim.inject({
      op: 'vpcep.action',
      times: 1,
      fault: { type: 'status', httpStatus: 500, errorCode: 'EndPoint.0001' },
    });
    const run = await runCliWith(
      ['decide', '--file', '-', '--log-format', 'text'],
      { ...env, VPCEP_APPROVAL_LOG_LEVEL: 'debug' },
      JSON.stringify(aDecision({ reason: `bad\u001b[2J ${SK}` })),
      TERMINAL,
    );

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^(debug|info): huawei call will be retried /m);
    for (const secret of [AK, SK]) expect(run.stderr).not.toContain(secret);
    expect(run.stderr).not.toContain('\u001b');
  });
});

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasScript)('in a pseudo-terminal (script from util-linux)', () => {
  it('decide shows the table and human log lines, no JSON', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'vpcep-cli-')), 'decision.json');
    await writeFile(path, decision());
    const command = [process.execPath, join(ROOT, 'bin', 'vpcep-approval.js'), 'decide', '--file', path]
      .map((word) => `'${word}'`)
      .join(' ');

    // stdout and stderr both go to the terminal `script` makes; what it shows comes back on stdout.
    const run = await runProcess('script', ['-qec', command, '/dev/null'], {
      env: { PATH: process.env.PATH, ...env, VPCEP_APPROVAL_LOG_LEVEL: 'info' },
    });

    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/CHG-1042: accept on vpcep:\S+: succeeded\r?\n/);
    expect(run.stdout).toMatch(/ENDPOINT +BEFORE +AFTER +CHANGED +ERROR/);
    expect(run.stdout).toMatch(/info: decision finished \(decisionId=CHG-1042/);
    expect(run.stdout).not.toContain('{"level"');
  });
});
