import { type Logger, silentLogger } from '../log.ts';
import { type Rules, rulesFor } from '../rules/schema.ts';
import { type ApprovalChat, type ApprovalFacts, approvalLines, approvalTitle } from './approval-request.ts';
import { approvalCardId } from './card-id.ts';
import { approvalMarkdown } from './china-messages.ts';
import { postRequestMessage } from './notify.ts';
import type { PostResult } from './post.ts';
import { judgeWecomAnswer, type WecomApi } from './wecom-api.ts';

export type WecomApprovalDeps = {
  api: WecomApi;
  rules: Rules;
  chatId?: string | undefined;
  clock?: () => Date;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  attempts?: number;
};

/** The template card: plain text fields (no markdown), the connection's facts, Accept and Reject. */
export function wecomApprovalCard(facts: ApprovalFacts, taskId: string) {
  return {
    card_type: 'button_interaction',
    source: { desc: 'vpcep-approval' },
    main_title: { title: approvalTitle(facts).slice(0, 36), desc: facts.target },
    horizontal_content_list: approvalLines(facts)
      .filter(([label]) => label !== 'Target')
      .map(([keyname, value]) => ({ keyname, value: value.slice(0, 128) })),
    task_id: taskId,
    button_list: [
      { text: 'Accept', style: 1, key: 'accept' },
      { text: 'Reject', style: 2, key: 'reject' },
    ],
  };
}

export async function postWecomApproval(facts: ApprovalFacts, deps: WecomApprovalDeps): Promise<void> {
  const logger = deps.logger ?? silentLogger;
  // The target's approvers are people: each gets the card under their WeCom userid, if they have one.
  const approvers = (rulesFor(deps.rules, facts.target).approvers ?? []).flatMap((name) => {
    const id = deps.rules.people.get(name)?.wecom;
    return id === undefined ? [] : [id];
  });
  const taskId = approvalCardId(facts.target, facts.endpointId, (deps.clock ?? (() => new Date()))());
  const send = (what: string, post: () => Promise<PostResult>) =>
    postRequestMessage(
      'wecom',
      post,
      { ...deps, logger },
      {
        code: 'WECOM_REFUSED',
        message: `WeCom refused the ${what} for ${facts.endpointId}`,
      },
    );
  if (approvers.length === 0)
    logger.warn('no WeCom approvers listed for the target: no card sent', { target: facts.target });
  else
    await send('approval card', async () =>
      judgeWecomAnswer(await deps.api.sendCard(approvers, wecomApprovalCard(facts, taskId))),
    );
  const chatId = deps.chatId;
  if (chatId !== undefined)
    await send('group notice', async () =>
      judgeWecomAnswer(await deps.api.sendGroupMarkdown(chatId, approvalMarkdown(facts))),
    );
}

export function wecomApprovalChat(deps: WecomApprovalDeps): ApprovalChat {
  // The card is updated through the response_code of a click; there is no message handle to keep.
  return {
    name: 'wecom',
    post: async (facts) => {
      await postWecomApproval(facts, deps);
      return {};
    },
  };
}
