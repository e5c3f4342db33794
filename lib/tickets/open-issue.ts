/**
 * A pending connection's approval issue: when the sweeper raises an approval request and
 * JIRA_APPROVAL_PROJECT is set, one Jira issue per pending connection, labelled so that it can be found
 * again in Jira (`connectionLabel`). Opening it once across sweeps and containers is the raiser's part
 * (approval-issue-raiser.ts: a ledger claim, then this search, then the creation).
 */
import type { Target } from '../decision/schema.ts';
import { targetFromKey, targetKey } from '../decision/schema.ts';
import { ValidationError } from '../errors.ts';
import type { ApprovalRequestEvent } from '../sweeper/sweep.ts';
import { code, oneLine, paragraph, strong, type TicketDocument, text } from './document.ts';
import type { JiraClient } from './jira.ts';

export type PendingConnection = {
  target: Target;
  endpointId: string;
  /** The consumer's Huawei account (domain id), when the API says. */
  consumerAccount?: string;
  /** When the connection was requested (ISO 8601). */
  requestedAt: string;
  /** Whether the consumer account is on the endpoint service's whitelist; undefined when unknown. */
  whitelisted: boolean | undefined;
  /** Why people are asked, in the rules' words. */
  reason?: string;
};

/**
 * The pending connection of the sweep's approval request, whitelisted as the sweep read the service's
 * whitelist (unknown when it could not be read). Undefined for a target key that does not read back.
 */
export function pendingFromApprovalRequest(
  event: Pick<
    ApprovalRequestEvent,
    'target' | 'endpointId' | 'domainId' | 'createdAt' | 'whitelisted' | 'reason'
  >,
  raisedAt: Date,
): PendingConnection | undefined {
  const target = targetFromKey(event.target);
  if (target === undefined) return undefined;
  const connection: PendingConnection = {
    target,
    endpointId: event.endpointId,
    requestedAt: event.createdAt ?? raisedAt.toISOString(),
    whitelisted: event.whitelisted,
    reason: event.reason,
  };
  if (event.domainId !== undefined) connection.consumerAccount = event.domainId;
  return connection;
}

export type OpenIssueDeps = {
  jira: JiraClient;
  approval: { project: string; issueType: string };
};

export type OpenIssueResult = { key: string; created: boolean };

export const APPROVAL_LABEL = 'vpcep-approval';
/** The issue property holding the connection, for the Automation rule's decision (docs/tickets.md). */
export const APPROVAL_PROPERTY = 'vpcepApproval';
/** Prefix of the label that names the connection on its issue, so the issue can be found by search. */
export const CONNECTION_LABEL_PREFIX = 'vpcep-conn-';

const ENDPOINT_ID = /^[a-z0-9-]{1,64}$/;

/**
 * The label that finds a connection's issue in Jira: `vpcep-conn-<endpointId>`. A label, not a JQL
 * query on the `vpcepApproval` property: JQL can search an issue property only when an installed app
 * (Forge `jira:entityProperty`, Connect or a Data Center plugin) has it indexed, which this function is
 * not; labels are searchable on every Cloud and Data Center site. The endpoint id alone names the
 * connection: a VPC endpoint connects to one endpoint service (or gateway), and its id is unique.
 */
export function connectionLabel(c: Pick<PendingConnection, 'endpointId'>): string {
  const id = c.endpointId.toLowerCase();
  if (!ENDPOINT_ID.test(id))
    throw new ValidationError(
      [{ path: 'endpointId', message: 'must be 1-64 of a-z 0-9 -' }],
      'invalid approval request',
    );
  return `${CONNECTION_LABEL_PREFIX}${id}`;
}

/**
 * The issue already opened in Jira for this connection (found by its label; the oldest if there are
 * several), or undefined. Cloud's search lags creation by seconds, so a miss right after a creation
 * proves nothing: the caller's ledger claim, not this search, keeps two raises from both creating.
 */
export async function findApprovalIssue(
  connection: PendingConnection,
  deps: OpenIssueDeps,
): Promise<string | undefined> {
  const [key] = await deps.jira.issuesWithLabel(deps.approval.project, connectionLabel(connection));
  return key;
}

/** Creates the connection's issue and answers its key; a creation that may have happened is not repeated. */
export async function createApprovalIssue(
  connection: PendingConnection,
  deps: OpenIssueDeps,
): Promise<string> {
  return deps.jira.createIssue({
    project: deps.approval.project,
    issueType: deps.approval.issueType,
    summary: approvalSummary(connection),
    description: approvalDescription(connection),
    labels: [APPROVAL_LABEL, connectionLabel(connection)],
    properties: [{ key: APPROVAL_PROPERTY, value: approvalProperty(connection) }],
  });
}

/** The connection's issue as found in Jira, or a new one. */
export async function openApprovalIssue(
  connection: PendingConnection,
  deps: OpenIssueDeps,
): Promise<OpenIssueResult> {
  const found = await findApprovalIssue(connection, deps);
  if (found !== undefined) return { key: found, created: false };
  return { key: await createApprovalIssue(connection, deps), created: true };
}

/** What a decision on this connection needs, in the decision's own shape. */
export function approvalProperty(c: PendingConnection) {
  return {
    target: c.target,
    targetType: c.target.type,
    // The rule writes `"<targetIdField>": "<targetId>"`, since smart values cannot branch on the type.
    targetIdField: c.target.type === 'vpcep' ? 'serviceId' : 'instanceId',
    targetId: c.target.type === 'vpcep' ? c.target.serviceId : c.target.instanceId,
    endpointId: c.endpointId,
    consumerAccount: c.consumerAccount ?? null,
    requestedAt: c.requestedAt,
    whitelisted: c.whitelisted ?? null,
  };
}

/** Jira summaries are plain text of at most 255 characters. */
export function approvalSummary(c: PendingConnection): string {
  const account =
    c.consumerAccount === undefined ? 'an unknown account' : `account ${oneLine(c.consumerAccount, 64)}`;
  return oneLine(`Approve VPC endpoint ${c.endpointId} from ${account} on ${targetKey(c.target)}`, 255);
}

export function approvalDescription(c: PendingConnection): TicketDocument {
  const where = [c.target.region, c.target.projectId].filter((v) => v !== undefined).join(', project ');
  return [
    paragraph(strong('A VPC endpoint connection is waiting for approval.')),
    {
      kind: 'bullets',
      items: [
        [text('Target: '), code(targetKey(c.target)), text(where === '' ? '' : ` (${oneLine(where, 100)})`)],
        [text('Endpoint: '), code(oneLine(c.endpointId, 64))],
        [text('Consumer account: '), code(oneLine(c.consumerAccount ?? 'unknown', 64))],
        [text(`Requested at: ${oneLine(c.requestedAt, 40)}`)],
        [
          text(
            c.whitelisted === undefined
              ? "Whitelisted: unknown — the service's whitelist could not be read"
              : c.whitelisted
                ? "Whitelisted: yes — the account is on the endpoint service's whitelist"
                : "Whitelisted: no — the account is not on the endpoint service's whitelist",
          ),
        ],
        ...(c.reason === undefined ? [] : [[text(`Why asked: ${oneLine(c.reason, 500)}`)]]),
      ],
    },
    paragraph(text('Accept or reject it with a decision on this issue (see the approval rule).')),
  ];
}
