/**
 * The approval loop's settings the CLI reads besides lib/config.ts: the ledger table, the decision age
 * limit and provenance (the rules, which only `pending` reads, are parsed there). Each is optional:
 * without LEDGER_TABLE_NAME every command but `history` works as before.
 */
import { parseMaxDecisionAge } from '../decision/freshness.ts';
import { ConfigError } from '../errors.ts';
import { DESCRIBE_VARIABLE, parseDescribe } from '../executor/after-acting.ts';
import { RULES_VARIABLE } from '../rules/variable.ts';

export const LEDGER_TABLE_VARIABLE = 'LEDGER_TABLE_NAME';
export const MAX_AGE_VARIABLE = 'VPCEP_APPROVAL_MAX_DECISION_AGE_MS';

/** As `--help` lists them (a test holds this list to LOOP_VARIABLES). */
export const LOOP_ENVIRONMENT: ReadonlyArray<readonly [string, string]> = [
  [
    LEDGER_TABLE_VARIABLE,
    'the ledger table: decide refuses superseded decisions and records them; history reads it',
  ],
  [
    RULES_VARIABLE,
    'the rules document (JSON) pending evaluates; unset: every pending connection is asked about',
  ],
  [MAX_AGE_VARIABLE, 'a decision older than this is expired (86400000, a day)'],
  [DESCRIBE_VARIABLE, 'false: do not write who decided into VPCEP connection descriptions (true)'],
];

export const LOOP_VARIABLES = [LEDGER_TABLE_VARIABLE, RULES_VARIABLE, MAX_AGE_VARIABLE, DESCRIBE_VARIABLE];

export type LoopSettings = {
  tableName: string | undefined;
  describe: boolean;
  maxDecisionAgeMs: number;
};

export function loadLoopSettings(env: Readonly<Record<string, string | undefined>>): LoopSettings {
  const table = env[LEDGER_TABLE_VARIABLE]?.trim();
  if (table !== undefined && table !== '' && !/^[A-Za-z0-9_.-]{3,255}$/.test(table))
    throw new ConfigError(
      LEDGER_TABLE_VARIABLE,
      'must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)',
    );
  return {
    tableName: table === '' ? undefined : table,
    describe: parseDescribe(env[DESCRIBE_VARIABLE]),
    maxDecisionAgeMs: parseMaxDecisionAge(env[MAX_AGE_VARIABLE]),
  };
}
