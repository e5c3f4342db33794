/** Fault injection: rules consumed in insertion order, first match wins, each used `times` times. */

export type SimOp =
  | 'vpcep.action'
  | 'vpcep.list'
  | 'vpcep.describe'
  | 'vpcep.permissions'
  | 'vpcep.permissions.add'
  | 'vpcep.permissions.remove'
  | 'apig.action'
  | 'apig.list'
  | 'apig.permissions'
  | 'iam.assumeRole'
  | 'iam.projects'
  | 'vpcep.discover'
  | 'apig.discover'
  | 'apig.permissions.add'
  | 'apig.permissions.remove';

export type Fault =
  | { type: 'status'; httpStatus: number; errorCode: string; errorMsg?: string }
  | { type: 'latency'; ms: number }
  /**
   * `afterApply`: the request is carried out first and only its answer is lost, as when a response
   * times out on the way back. A retry then meets the changed state (e.g. EndPoint.2014).
   */
  | { type: 'reset'; afterApply?: boolean }
  | { type: 'hang'; afterApply?: boolean }
  /**
   * The request is carried out, and its answer replaced by `body` with status 200: a proxy's HTML page,
   * `{}`, or a list that does not show the endpoint acted on.
   */
  | { type: 'body'; body: string; contentType?: string };

export type FaultRule = { op?: SimOp; times?: number; fault: Fault };

export class FaultPlan {
  #rules: Array<{ op?: SimOp; remaining: number; fault: Fault }> = [];

  add(rule: FaultRule): void {
    this.#rules.push({
      ...(rule.op === undefined ? {} : { op: rule.op }),
      remaining: rule.times ?? 1,
      fault: rule.fault,
    });
  }

  clear(): void {
    this.#rules = [];
  }

  /** The fault for this request, if any rule matches; consumes one use of it. */
  take(op: SimOp | undefined): Fault | undefined {
    const rule = this.#rules.find((r) => r.remaining > 0 && (r.op === undefined || r.op === op));
    if (rule === undefined) return undefined;
    rule.remaining -= 1;
    this.#rules = this.#rules.filter((r) => r.remaining > 0);
    return rule.fault;
  }
}
