/**
 * A simulator-backed world for one test: the Huawei Cloud simulator on 127.0.0.1:0, configuration
 * pointing at it, and the real runtime (undici pool, signing client). Backoff is shortened so retries
 * are quick; nothing else is faked.
 */
import { type Config, loadConfig } from '../../lib/config.ts';
import type { Outcome } from '../../lib/decision/outcome.ts';
import { OutcomeSchema } from '../../lib/decision/outcome-schema.ts';
import { type DecisionInput, parseDecision } from '../../lib/decision/schema.ts';
import { type ExecuteOptions, executeDecision } from '../../lib/executor/execute.ts';
import { createJsonLogger, type Logger } from '../../lib/log.ts';
import { createRuntime, type Runtime } from '../../lib/runtime.ts';
import { type RateLimits, type Simulator, startSimulator } from '../../simulator/index.ts';
import { PROJECT_ID, REGION } from './factories.ts';

export const AK = 'HPUAL5EXAMPLEAK0TEST';
export const SK = 'Y3xSaHNq1ExampleSecretKeyForTestsOnly0001';

export type Harness = {
  sim: Simulator;
  env: Record<string, string>;
  config: Config;
  runtime: Runtime;
  logs: string[];
  logger: Logger;
  execute(input: DecisionInput, options?: ExecuteOptions): Promise<Outcome>;
  close(): Promise<void>;
};

export type HarnessOptions = {
  env?: Record<string, string>;
  latencyMs?: number;
  creatingMs?: number;
  /** What the simulator accepts; by default the AK/SK above. */
  simulatorCredentials?: Array<{ ak: string; sk: string; securityToken?: string }>;
  simulatorTokens?: string[];
  simulatorRateLimits?: RateLimits;
};

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sim = await startSimulator({
    credentials: options.simulatorCredentials ?? [{ ak: AK, sk: SK }],
    ...(options.simulatorTokens === undefined ? {} : { tokens: options.simulatorTokens }),
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
    ...(options.creatingMs === undefined ? {} : { creatingMs: options.creatingMs }),
    ...(options.simulatorRateLimits === undefined ? {} : { rateLimits: options.simulatorRateLimits }),
  });
  const env: Record<string, string> = {
    HUAWEICLOUD_SDK_AK: AK,
    HUAWEICLOUD_SDK_SK: SK,
    HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID,
    HUAWEICLOUD_REGION: REGION,
    HUAWEICLOUD_VPCEP_ENDPOINT: sim.url,
    HUAWEICLOUD_APIG_ENDPOINT: sim.url,
    VPCEP_APPROVAL_BACKOFF_BASE_MS: '5',
    VPCEP_APPROVAL_BACKOFF_MAX_MS: '20',
    VPCEP_APPROVAL_REQUEST_TIMEOUT_MS: '400',
    VPCEP_APPROVAL_SETTLE_POLL_MS: '20',
    VPCEP_APPROVAL_LOG_LEVEL: 'debug',
    ...options.env,
  };
  const config = loadConfig(env);
  const logs: string[] = [];
  const logger = createJsonLogger({ level: 'debug', write: (line) => logs.push(line) });
  const runtime = await createRuntime(config, { logger });
  return {
    sim,
    env,
    config,
    runtime,
    logs,
    logger,
    async execute(input, executeOptions) {
      const parsed = parseDecision(input);
      if (!parsed.ok) throw new Error(`test decision is invalid: ${JSON.stringify(parsed.issues)}`);
      const outcome = await executeDecision(
        parsed.decision,
        { client: runtime.client, config, logger },
        executeOptions,
      );
      // Every outcome the executor builds is held to the published contract.
      const checked = OutcomeSchema.safeParse(outcome);
      if (!checked.success)
        throw new Error(`outcome breaks OutcomeSchema: ${JSON.stringify(checked.error.issues)}`);
      return outcome;
    },
    async close() {
      await runtime.close();
      await sim.close();
    },
  };
}
