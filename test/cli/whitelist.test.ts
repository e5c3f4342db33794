import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliWith } from '../helpers/cli.ts';
import { endpointIds, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const TARGET = `vpcep:${SERVICE_ID}`;
const TRUSTED = 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b';
const STRANGER = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';
const MISSING = '12341234123412341234123412341234';
const [PENDING, ACCEPTED] = endpointIds(2) as [string, string];
const RULES = {
  targets: {
    [TARGET]: {
      autoAccept: [TRUSTED, MISSING],
      autoReject: [STRANGER],
      manageWhitelist: true,
      reconcile: true,
    },
  },
};

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  h.sim.seed({
    kind: 'vpcep',
    projectId: PROJECT_ID,
    targetId: SERVICE_ID,
    permissions: [TRUSTED, STRANGER],
    connections: [
      { id: PENDING, domainId: TRUSTED },
      { id: ACCEPTED, domainId: STRANGER, status: 'accepted' },
    ],
  });
});
afterEach(() => h.close());

describe('vpcep-approval whitelist <target>', () => {
  const env = () => ({ ...h.env, VPCEP_APPROVAL_RULES: JSON.stringify(RULES) });

  it('marks each account with what the rules say of it, and names the trusted ones missing (text)', async () => {
    const run = await runCliWith(['whitelist', TARGET], env(), '', { isTTY: true });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`vpcep:${SERVICE_ID}: 2 accounts`);
    expect(run.stdout).toMatch(new RegExp(`${STRANGER}\\s+autoReject`));
    expect(run.stdout).toMatch(new RegExp(`${TRUSTED}\\s+autoAccept \\(trusted\\)`));
    expect(run.stdout).toContain(`trusted but not on the whitelist: ${MISSING}`);
  });

  it('answers JSON when piped', async () => {
    const run = await runCliWith(['whitelist', TARGET], env());

    expect(JSON.parse(run.stdout)).toEqual({
      target: TARGET,
      everyone: false,
      accounts: [
        { domainId: STRANGER, trusted: false, refused: true },
        { domainId: TRUSTED, trusted: true, refused: false },
      ],
      missing: [MISSING],
    });
  });

  it('exits 2 naming the target when it is not one, with no call', async () => {
    const run = await runCliWith(['whitelist', 'vpcep:nope'], env());

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('serviceId');
    expect(h.sim.calls).toEqual([]);
  });
});

describe('vpcep-approval decide with a revoke', () => {
  it('shows each account and how many of its connections it rejected (text)', async () => {
    const decision = {
      id: 'OFF-1',
      action: 'revoke',
      target: { type: 'vpcep', serviceId: SERVICE_ID },
      accounts: [STRANGER],
    };
    const run = await runCliWith(['decide', '--file', '-'], h.env, JSON.stringify(decision), { isTTY: true });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`OFF-1: revoke on ${TARGET}: succeeded`);
    expect(run.stdout).toMatch(new RegExp(`${STRANGER}\\s+revoked\\s+yes\\s+1`));
    expect(run.stdout).toMatch(new RegExp(`${ACCEPTED}\\s+accepted\\s+rejected`));
  });
});

describe('vpcep-approval sweep --dry-run', () => {
  it('lists what one sweep would do with a rules file, and does none of it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vpcep-plan-'));
    const file = join(dir, 'rules.json');
    await writeFile(file, JSON.stringify(RULES));

    const run = await runCliWith(['sweep', '--dry-run', '--rules', file, '--target', TARGET], h.env);

    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan).toMatchObject({
      dryRun: true,
      targets: 1,
      pending: 1,
      decisions: [{ endpointId: PENDING, action: 'accept', rule: 'autoAccept' }],
      whitelist: [{ action: 'permit', domainId: MISSING }],
      reconciled: [{ endpointId: ACCEPTED, domainId: STRANGER, rule: 'autoReject' }],
      drift: [{ eventType: 'drift.detected', kind: 'baseline', counts: { accepted: 1, pending: 1 } }],
      errors: [],
    });
    expect(h.sim.calls.filter((c) => c.method !== 'GET')).toEqual([]);

    const text = await runCliWith(['sweep', '--dry-run', '--rules', file, '--target', TARGET], h.env, '', {
      isTTY: true,
    });
    expect(text.stdout).toContain('nothing was done');
    expect(text.stdout).toContain(`add ${MISSING} on ${TARGET}`);
  });

  it('refuses to run a sweep without --dry-run (exit 2)', async () => {
    const run = await runCliWith(['sweep', '--target', TARGET], h.env);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--dry-run');
  });
});
