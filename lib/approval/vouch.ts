/**
 * What a carrier may vouch for. A webhook or queue decision's `approvedBy` is a sender's claim, and is
 * not believed — except the entries of a ticket system the rules document trusts
 * (`"trustedApprovers": ["jira"]`): `jira:<accountId>` names the Jira user who approved (Jira
 * Automation's `{{initiator.accountId}}`), mapped to a person through `people.<name>.jira`. An entry
 * that maps to no approver listed for the target counts for nothing.
 */
import type { Decision } from '../decision/schema.ts';
import { targetKey } from '../decision/schema.ts';
import { personOf, type Rules, rulesFor } from '../rules/rules.ts';
import type { Channel } from './channels.ts';

export type VouchedApproval = { person: string; channel: Channel; platformId: string };

/** The approvals a trusted ticket system vouches for in this decision, one per person. */
export function ticketApprovals(decision: Decision, rules: Rules): VouchedApproval[] {
  if (!rules.trustedApprovers.has('jira')) return [];
  const approvers = new Set(rulesFor(rules, targetKey(decision.target)).approvers ?? []);
  const found = new Map<string, VouchedApproval>();
  for (const entry of decision.approvedBy ?? []) {
    if (!entry.startsWith('jira:')) continue;
    const accountId = entry.slice('jira:'.length);
    const person = personOf(rules, 'jira', accountId);
    if (person === undefined || !approvers.has(person) || found.has(person)) continue;
    found.set(person, { person, channel: 'jira', platformId: accountId });
  }
  return [...found.values()];
}
