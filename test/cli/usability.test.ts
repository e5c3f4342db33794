/** The CLI as a person meets it: help, version, a table on a terminal, quiet scripts, Windows files. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENVIRONMENT } from '../../lib/cli/help.ts';
import { LOOP_ENVIRONMENT, LOOP_VARIABLES } from '../../lib/cli/loop-config.ts';
import { outcomeText } from '../../lib/cli/output.ts';
import { CONFIG_VARIABLES } from '../../lib/config.ts';
import { runCliWith } from '../helpers/cli.ts';
import { aDecision, ENDPOINT_ID, endpointIds, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

let h: Harness;
const TTY = { isTTY: true };

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

async function file(content: string | Buffer): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'vpcep-cli-')), 'decision.json');
  await writeFile(path, content);
  return path;
}

describe('help and version', () => {
  it.each(['decide', 'validate', 'status'])(
    '%s --help shows its usage and an example, exit 0',
    async (command) => {
      for (const argv of [
        [command, '--help'],
        ['help', command],
      ]) {
        const run = await runCliWith(argv, {});
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(new RegExp(`^Usage: vpcep-approval ${command} `));
        expect(run.stdout).toMatch(new RegExp(`Example:\\n  vpcep-approval ${command} --`));
      }
    },
  );

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    const run = await runCliWith(['--version'], {});
    expect(run).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('--help lists every environment variable the configuration reads, and only those', async () => {
    const run = await runCliWith(['--help'], {});
    const listed = [...ENVIRONMENT, ...LOOP_ENVIRONMENT].flatMap(([names]) => names.split(', '));
    const read = [...CONFIG_VARIABLES, ...LOOP_VARIABLES];
    expect([...listed].sort()).toEqual([...read].sort());
    for (const name of read) expect(run.stdout).toContain(name);
  });

  it('with no command, prints the usage on stderr and exits 2', async () => {
    const run = await runCliWith([], {});
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: vpcep-approval <command>');
  });
});

describe('output for people and for scripts', () => {
  it('on a terminal, prints a table: endpoint, before, after, changed, error code', async () => {
    const [stranger] = endpointIds(1);
    const path = await file(JSON.stringify(aDecision({ endpoints: [ENDPOINT_ID, stranger as string] })));

    const run = await runCliWith(['decide', '--file', path], h.env, '', TTY);

    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`CHG-1042: accept on vpcep:${SERVICE_ID}: partial`);
    expect(lines[1]).toMatch(/^ENDPOINT +BEFORE +AFTER +CHANGED +ERROR$/);
    expect(lines[2]).toMatch(new RegExp(`^${ENDPOINT_ID} +pendingAcceptance +accepted +yes +-$`));
    // Not on the target: no call was made for it, so no error either.
    expect(lines[3]).toMatch(new RegExp(`^${stranger} +- +not_found +no +-$`));
    expect(() => JSON.parse(run.stdout)).toThrow();
  });

  it('on a terminal with --output json, and off a terminal, prints the outcome JSON', async () => {
    const path = await file(JSON.stringify(aDecision()));
    const forced = await runCliWith(['decide', '--file', path, '--output', 'json'], h.env, '', TTY);
    expect(JSON.parse(forced.stdout)).toMatchObject({ status: 'succeeded' });

    const piped = await runCliWith(['decide', '--file', path], h.env, '', { isTTY: false });
    expect(JSON.parse(piped.stdout)).toMatchObject({ status: 'succeeded', results: [{ changed: false }] });
  });

  it('--quiet prints nothing on stdout and no logs; the exit code tells', async () => {
    const [stranger] = endpointIds(1);
    const path = await file(JSON.stringify(aDecision({ endpoints: [stranger as string] })));

    const run = await runCliWith(
      ['decide', '--file', path, '--quiet'],
      { ...h.env, VPCEP_APPROVAL_LOG_LEVEL: 'debug' },
      '',
      TTY,
    );

    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).not.toMatch(/"level":"(debug|info)"/);
  });

  it('refuses an --output it does not know (exit 2, naming --output)', async () => {
    const run = await runCliWith(['status', '--target', `vpcep:${SERVICE_ID}`, '--output', 'yaml'], h.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--output: must be text or json');
    expect(h.sim.calls).toHaveLength(0);
  });

  it('shows control characters from an API error message as ?, not as terminal escapes', () => {
    const text = outcomeText({
      decisionId: 'CHG-1',
      action: 'accept',
      target: { type: 'vpcep', serviceId: SERVICE_ID },
      status: 'failed',
      results: [
        {
          endpointId: ENDPOINT_ID,
          status: 'failed',
          changed: false,
          attempts: 1,
          error: {
            code: 'EndPoint.\u001b[31m',
            message: 'bad\u001b]0;pwned\u0007 \u009b2J',
            httpStatus: 400,
            requestId: null,
            retryable: false,
          },
        },
      ],
      startedAt: '',
      finishedAt: '',
    });

    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u0007');
    expect(text).not.toContain('\u009b');
    expect(text).toContain(`${ENDPOINT_ID}: EndPoint.?[31m: bad?]0;pwned? ?2J`);
  });

  it('status lists connections as a table on a terminal', async () => {
    const run = await runCliWith(['status', '--target', `vpcep:${SERVICE_ID}`], h.env, '', TTY);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`vpcep:${SERVICE_ID}: 1 connection\n`);
    expect(run.stdout).toMatch(new RegExp(`${ENDPOINT_ID} +pendingAcceptance`));
  });
});

describe('edges a person trips over', () => {
  it('reads a decision file that starts with a UTF-8 byte-order mark', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(aDecision()))]);
    const path = await file(bom);

    const validated = await runCliWith(['validate', '--file', path], {});
    expect(validated.code, validated.stderr).toBe(0);
    expect(JSON.parse(validated.stdout)).toMatchObject({ id: 'CHG-1042' });

    const decided = await runCliWith(
      ['decide', '--file', '-'],
      h.env,
      `\uFEFF${JSON.stringify(aDecision())}`,
    );
    expect(decided.code, decided.stderr).toBe(0);
  });

  it('status --endpoint for a connection the target does not have exits 1 and says so', async () => {
    const [absent] = endpointIds(1);
    const run = await runCliWith(
      ['status', '--target', `vpcep:${SERVICE_ID}`, '--endpoint', absent as string],
      h.env,
    );

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`no connection ${absent} on vpcep:${SERVICE_ID}`);
  });
});
