/**
 * What a button of a decided approval request answers: who decided it, how and when — and nothing is
 * done. The chat functions look at the connection's request record before a click reaches the vote or
 * the queue (`decidedRequest`), so a stale message never acts again.
 */
import type { RequestClosure } from '../ledger/ledger.ts';
import { whoAndHow } from '../requests/closure.ts';

/** Reads the closure of the connection's request, if it is closed. */
export type DecidedRequest = (target: string, endpointId: string) => Promise<RequestClosure | undefined>;

export function decidedText(closure: RequestClosure): string {
  const decision = closure.decisionId === undefined ? '' : ` (decision ${closure.decisionId})`;
  return `This request was already ${closure.result} by ${whoAndHow(closure)} at ${closure.at}${decision}: nothing was done.`;
}
