/**
 * What the decision functions share of the approval loop: the ledger (its table required, loaded at
 * first use) and the executor's loop settings — provenance (`VPCEP_APPROVAL_DESCRIBE`) and the oldest
 * decision acted on (`VPCEP_APPROVAL_MAX_DECISION_AGE_MS`), and the rules document the approval
 * authority applies (`VPCEP_APPROVAL_RULES`).
 */
import * as z from 'zod/mini';
import { parseMaxDecisionAge } from '../../lib/decision/freshness.ts';
import { parseDescribe } from '../../lib/executor/after-acting.ts';
import { type LazyLedger, lazyLedger } from '../../lib/ledger/lazy.ts';
import type { RequestClosure } from '../../lib/ledger/ledger.ts';
import { lazyPlacements, type PlacementStore } from '../../lib/ledger/placements.ts';
import type { RequestLifecycle } from '../../lib/ledger/request-lifecycle.ts';
import { parseRules, RULES_VARIABLE, type Rules } from '../../lib/rules/schema.ts';
import type { LoopSettings } from '../../lib/runner.ts';
import type { Effects } from './wiring.ts';

export const LoopEnv = {
  VPCEP_APPROVAL_DESCRIBE: z.optional(z.string()),
  VPCEP_APPROVAL_MAX_DECISION_AGE_MS: z.optional(z.string()),
  /** The rules document the approval authority applies before anything is executed. */
  [RULES_VARIABLE]: z.optional(z.string()),
};

/** The rules document in force: the same for every function that executes, queues or asks. */
export function rulesFrom(e: z.output<z.ZodMiniObject<typeof LoopEnv>>): Rules {
  return parseRules(e[RULES_VARIABLE]);
}

export function loopFrom(e: z.output<z.ZodMiniObject<typeof LoopEnv>>): LoopSettings {
  return {
    describe: parseDescribe(e.VPCEP_APPROVAL_DESCRIBE),
    maxDecisionAgeMs: parseMaxDecisionAge(e.VPCEP_APPROVAL_MAX_DECISION_AGE_MS),
  };
}

/** The function's ledger on `tableName`, through the effects' DynamoDB client when given (local, tests). */
export function functionLedger(tableName: string, effects: Effects): LazyLedger {
  return lazyLedger({ tableName, client: effects.dynamodb, clock: effects.clock });
}

/**
 * With an estate, where sweeps found discovered targets: read from the ledger's table, so a decision
 * names a discovered target by id alone (lib/estate/locate.ts). Nothing without an estate.
 */
export function estatePlacements(
  config: { estate?: unknown; ledgerTableName: string },
  effects: Effects,
): { placements?: PlacementStore } {
  if (config.estate === undefined) return {};
  return { placements: lazyPlacements({ tableName: config.ledgerTableName, client: effects.dynamodb }) };
}

/**
 * The closure of a connection's approval request, read when a chat button is clicked (the request
 * lifecycle is loaded at the first click, like the ledger). A record that cannot be read closes
 * nothing here: the click goes on to the vote, which the ledger itself guards.
 */
export function decidedRequestReader(tableName: string, effects: Effects) {
  let lifecycle: Promise<RequestLifecycle> | undefined;
  return async (target: string, endpointId: string): Promise<RequestClosure | undefined> => {
    lifecycle ??= Promise.all([
      import('../../lib/ledger/request-lifecycle.ts'),
      import('../../lib/ledger/dynamodb.ts'),
    ]).then(([requests, dynamodb]) =>
      requests.dynamoDbRequestLifecycle({
        client: effects.dynamodb ?? dynamodb.defaultDynamoDbClient(),
        tableName,
      }),
    );
    const request = await (await lifecycle).request(target, endpointId).catch(() => undefined);
    return request?.closure;
  };
}
