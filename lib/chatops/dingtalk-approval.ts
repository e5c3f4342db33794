/**
 * The approval request in DingTalk: an interactive card (`createAndDeliver`, `callbackType: "HTTP"`)
 * from the card template `DINGTALK_CARD_TEMPLATE_ID`, sent to the group
 * `DINGTALK_APPROVAL_CONVERSATION_ID` through the robot `DINGTALK_ROBOT_CODE`. The card's
 * `outTrackId` names the connection (card-id.ts), so its Accept and Reject buttons come back to
 * /chatops/dingtalk (dingtalk.ts) and are checked against the request still open. The template's
 * variables are strings (docs/dingtalk.md): `title`, `facts` (markdown), `target`, `endpoint`,
 * `status`, `result`, and the clicking user's private `note`.
 */
import { VpcepApprovalError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { type ApprovalChat, type ApprovalFacts, approvalTitle } from './approval-request.ts';
import { approvalCardId } from './card-id.ts';
import { approvalMarkdown } from './china-messages.ts';
import { type DingtalkApi, judgeDingtalkAnswer } from './dingtalk-api.ts';
import { postWithRetries } from './notify.ts';

export type DingtalkApprovalConfig = {
  conversationId: string;
  robotCode: string;
  cardTemplateId: string;
  callbackRouteKey: string;
};

export type DingtalkApprovalDeps = DingtalkApprovalConfig & {
  api: DingtalkApi;
  clock?: () => Date;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  attempts?: number;
};

export function dingtalkCardParams(facts: ApprovalFacts): Record<string, string> {
  return {
    title: approvalTitle(facts),
    facts: approvalMarkdown(facts),
    target: facts.target,
    endpoint: facts.endpointId,
    status: 'pending',
    result: '',
  };
}

export async function postDingtalkApproval(facts: ApprovalFacts, deps: DingtalkApprovalDeps): Promise<void> {
  const outTrackId = approvalCardId(facts.target, facts.endpointId, (deps.clock ?? (() => new Date()))());
  const post = async () =>
    judgeDingtalkAnswer(
      await deps.api.createAndDeliver({
        cardTemplateId: deps.cardTemplateId,
        outTrackId,
        callbackRouteKey: deps.callbackRouteKey,
        conversationId: deps.conversationId,
        robotCode: deps.robotCode,
        params: dingtalkCardParams(facts),
      }),
    );
  const sent = await postWithRetries(
    'dingtalk',
    undefined,
    {
      post,
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(deps.attempts ? { attempts: deps.attempts } : {}),
    },
    deps.logger ?? silentLogger,
    null,
  );
  if (sent === 'dropped')
    throw new VpcepApprovalError(
      'DINGTALK_REFUSED',
      `DingTalk refused the approval card for ${facts.endpointId}`,
    );
}

export function dingtalkApprovalChat(deps: DingtalkApprovalDeps): ApprovalChat {
  // The card is found again by its outTrackId, derived from the connection: no handle to keep.
  return {
    name: 'dingtalk',
    post: async (facts) => {
      await postDingtalkApproval(facts, deps);
      return {};
    },
  };
}
