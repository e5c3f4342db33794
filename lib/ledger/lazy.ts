/**
 * The ledger as the decision functions see it: the DynamoDB SDK (lib/ledger/dynamodb.ts and
 * delivery-answers.ts) is loaded at the first ledger call, not at the function's cold start, like the
 * queue and the topic (lib/queue/enqueue.ts, lib/outcome/publish.ts).
 */
import type { ApprovalStore } from './approvals.ts';
import type { DeliveryAnswers } from './delivery-answers.ts';
import type { DynamoDbSender } from './dynamodb.ts';
import type { Ledger } from './ledger.ts';
import type { TargetLock } from './lock.ts';

export type LazyLedgerOptions = {
  tableName: string;
  /** The SDK client; by default the SDK's own (region, credentials, AWS_ENDPOINT_URL_DYNAMODB). */
  client?: DynamoDbSender | undefined;
  clock?: (() => Date) | undefined;
};

export type LazyLedger = {
  ledger: Ledger;
  answers: DeliveryAnswers;
  approvals: ApprovalStore;
  locks: TargetLock;
};

export function lazyLedger(options: LazyLedgerOptions): LazyLedger {
  let loaded: Promise<LazyLedger> | undefined;
  const load = () => {
    loaded ??= Promise.all([
      import('./dynamodb.ts'),
      import('./delivery-answers.ts'),
      import('./approvals.ts'),
      import('./lock.ts'),
    ]).then(([dynamodb, answers, approvals, lock]) => {
      const client = options.client ?? dynamodb.defaultDynamoDbClient();
      const { tableName } = options;
      return {
        ledger: dynamodb.dynamoDbLedger({
          client,
          tableName,
          ...(options.clock === undefined ? {} : { clock: options.clock }),
        }),
        answers: answers.dynamoDbDeliveryAnswers({ client, tableName }),
        approvals: approvals.dynamoDbApprovalStore({
          client,
          tableName,
          ...(options.clock === undefined ? {} : { clock: options.clock }),
        }),
        locks: lock.dynamoDbTargetLock({
          client,
          tableName,
          ...(options.clock === undefined ? {} : { clock: options.clock }),
        }),
      };
    });
    return loaded;
  };
  const ledger: Ledger = {
    recordDecision: async (...args) => (await load()).ledger.recordDecision(...args),
    lastDecision: async (...args) => (await load()).ledger.lastDecision(...args),
    history: async (...args) => (await load()).ledger.history(...args),
    recordApprovalRequest: async (...args) => (await load()).ledger.recordApprovalRequest(...args),
    approvalRequests: async (...args) => (await load()).ledger.approvalRequests(...args),
    withdrawApprovalRequest: async (...args) => (await load()).ledger.withdrawApprovalRequest(...args),
    claimReminder: async (...args) => (await load()).ledger.claimReminder(...args),
    recordDelivery: async (...args) => (await load()).ledger.recordDelivery(...args),
    claimApprovalIssue: async (...args) => (await load()).ledger.claimApprovalIssue(...args),
    takeOverApprovalIssueClaim: async (...args) => (await load()).ledger.takeOverApprovalIssueClaim(...args),
    releaseApprovalIssueClaim: async (...args) => (await load()).ledger.releaseApprovalIssueClaim(...args),
    recordApprovalIssue: async (...args) => (await load()).ledger.recordApprovalIssue(...args),
    approvalIssue: async (...args) => (await load()).ledger.approvalIssue(...args),
  };
  const answers: DeliveryAnswers = {
    settle: async (...args) => (await load()).answers.settle(...args),
    release: async (...args) => (await load()).answers.release(...args),
  };
  const approvals: ApprovalStore = {
    recordVote: async (...args) => (await load()).approvals.recordVote(...args),
    votes: async (...args) => (await load()).approvals.votes(...args),
  };
  const locks: TargetLock = {
    acquire: async (...args) => (await load()).locks.acquire(...args),
    release: async (...args) => (await load()).locks.release(...args),
  };
  return { ledger, answers, approvals, locks };
}
