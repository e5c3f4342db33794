/** Outcomes as the topic carries them, for the ticket notifier's tests. */
import type { TicketOutcome } from '../../lib/tickets/outcome-message.ts';
import { ENDPOINT_ID, REGION, SERVICE_ID } from '../helpers/factories.ts';

export const OTHER_ENDPOINT = 'c7a3e1f2-5b6d-4e8f-9a0b-1c2d3e4f5a6b';
export const SYS_ID = '9d385017c611228701d22104cc95c371';

export function anOutcome(overrides: Partial<TicketOutcome> = {}): TicketOutcome {
  return {
    decisionId: 'CHG-1042',
    action: 'accept',
    target: { type: 'vpcep', serviceId: SERVICE_ID, region: REGION },
    status: 'succeeded',
    results: [{ endpointId: ENDPOINT_ID, status: 'accepted', changed: true }],
    reason: 'approved in CHG-1042',
    requestedBy: 'alice@example.com',
    source: { system: 'jira', ref: 'OPS-42' },
    ...overrides,
  };
}

export function aFailedOutcome(overrides: Partial<TicketOutcome> = {}): TicketOutcome {
  return anOutcome({
    status: 'failed',
    results: [
      {
        endpointId: ENDPOINT_ID,
        status: 'failed',
        changed: false,
        error: {
          code: 'EndPoint.0005',
          message: 'The endpoint does not belong to this service',
          httpStatus: 400,
          requestId: 'f3c2a1b0e9d84c7b6a5f4e3d2c1b0a99',
        },
      },
    ],
    ...overrides,
  });
}

/** Every string value in a JSON tree, for "is X anywhere in what was sent" checks. */
export function allText(value: unknown): string {
  return JSON.stringify(value);
}
