/** Builders for decisions and IDs used across tests. */
import { randomUUID } from 'node:crypto';
import type { DecisionInput } from '../../lib/decision/schema.ts';

export const PROJECT_ID = '0504201b6c80256b2f01c0074ea4d3f8';
export const REGION = 'cn-north-4';
export const SERVICE_ID = '4189d3c2-8882-4871-a3c2-d380272eed88';
export const INSTANCE_ID = 'eddc4d25480b4cd6b512f270a1b8b341';
export const ENDPOINT_ID = '705290f3-0d00-41f2-aedc-71f09844e879';

export function endpointIds(count: number): string[] {
  return Array.from({ length: count }, () => randomUUID());
}

/** The decision from the contract, with overrides. */
export function aDecision(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    id: 'CHG-1042',
    action: 'accept',
    target: { type: 'vpcep', serviceId: SERVICE_ID, projectId: PROJECT_ID, region: REGION },
    endpoints: [ENDPOINT_ID],
    reason: 'approved in CHG-1042',
    requestedBy: 'alice@example.com',
    source: { system: 'jira', ref: 'CHG-1042', url: 'https://jira.example.com/browse/CHG-1042' },
    ...overrides,
  };
}

export function anApigDecision(endpoints: string[], overrides: Partial<DecisionInput> = {}): DecisionInput {
  return aDecision({
    target: { type: 'apig', instanceId: INSTANCE_ID, projectId: PROJECT_ID, region: REGION },
    endpoints,
    ...overrides,
  });
}
