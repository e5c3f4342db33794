import type { Logger } from '../log.ts';
import { type ApprovalChat, type ApprovalFacts, approvalTitle } from './approval-request.ts';
import { approvalCardId } from './card-id.ts';
import { approvalMarkdown } from './china-messages.ts';
import { type DingtalkApi, judgeDingtalkAnswer } from './dingtalk-api.ts';
import { postRequestMessage } from './notify.ts';

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
  await postRequestMessage('dingtalk', post, deps, {
    code: 'DINGTALK_REFUSED',
    message: `DingTalk refused the approval card for ${facts.endpointId}`,
  });
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
