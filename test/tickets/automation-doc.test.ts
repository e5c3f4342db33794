/**
 * The Jira Automation body template in docs/tickets.md, with its smart values filled in the way Jira
 * fills them for an issue the sweeper opened, must be a valid decision.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDecisionJson } from '../../lib/decision/schema.ts';
import { approvalProperty, type PendingConnection } from '../../lib/tickets/open-issue.ts';
import { ENDPOINT_ID, INSTANCE_ID, PROJECT_ID, REGION, SERVICE_ID } from '../helpers/factories.ts';

const doc = readFileSync(new URL('../../docs/tickets.md', import.meta.url), 'utf8');
const template = /```json\n([\s\S]*?)```/.exec(doc)?.[1]?.replace(/^ {5}/gm, '') ?? '';

function render(property: unknown, issue: { summary: string; initiator: string }): string {
  const plain: Record<string, string> = {
    'issue.key': 'NET-101',
    'now.format("yyyyMMddHHmmss")': '20261126100000',
    'issue.url': 'https://acme.atlassian.net/browse/NET-101',
    'initiator.accountId': '5b10ac8d82e05b22cc7d4ef5',
  };
  const json: Record<string, string> = {
    'issue.summary': issue.summary,
    'initiator.displayName': issue.initiator,
  };
  return template.replace(/\{\{([^}]+)\}\}/g, (_, expression: string) => {
    if (expression in plain) return plain[expression] as string;
    const asJson = /^(.*)\.asJsonString$/.exec(expression);
    if (asJson?.[1] !== undefined && asJson[1] in json) return JSON.stringify(json[asJson[1]]);
    const path = /^issue\.properties\.vpcepApproval\.(.+)$/.exec(expression)?.[1];
    if (path === undefined) throw new Error(`no value for {{${expression}}}`);
    const value = path
      .split('.')
      .reduce<unknown>((v, key) => (v as Record<string, unknown>)?.[key], property);
    return String(value ?? '');
  });
}

const connection = (target: PendingConnection['target']): PendingConnection => ({
  target,
  endpointId: ENDPOINT_ID,
  consumerAccount: '0a1b2c3d4e5f67890a1b2c3d4e5f6789',
  requestedAt: '2026-11-26T09:58:00Z',
  whitelisted: true,
});

describe('the Jira Automation body template', () => {
  it.each([
    [
      'a VPCEP service',
      { type: 'vpcep' as const, serviceId: SERVICE_ID, projectId: PROJECT_ID, region: REGION },
    ],
    [
      'an APIG gateway',
      { type: 'apig' as const, instanceId: INSTANCE_ID, projectId: PROJECT_ID, region: REGION },
    ],
  ])('produces a valid decision for %s, quotes in the summary included', (_, target) => {
    const body = render(approvalProperty(connection(target)), {
      summary: 'Approve "prod" access\nfor team {a}',
      initiator: 'Zoë "ops" Li',
    });

    const parsed = parseDecisionJson(body);

    expect(parsed).toMatchObject({
      ok: true,
      decision: {
        id: 'NET-101.20261126100000',
        action: 'accept',
        target,
        endpoints: [ENDPOINT_ID],
        reason: 'Approve "prod" access\nfor team {a}',
        requestedBy: 'Zoë "ops" Li',
        source: { system: 'jira', ref: 'NET-101', url: 'https://acme.atlassian.net/browse/NET-101' },
      },
    });
  });
});
