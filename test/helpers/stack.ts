/** Helpers for tests on the local stack: HTTP calls to the webhook, queue sends, seeding. */
import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalStack } from '../../local/stack.ts';
import { DEMO } from '../../simulator/main.ts';

export async function post(stack: LocalStack, body: string, headers: Record<string, string>, query = '') {
  const response = await fetch(`${stack.webhookUrl}${query}`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A VPCEP service of its own (so its decisions form their own FIFO group) with pending endpoints. */
export function seedService(stack: LocalStack, count = 1): { serviceId: string; endpoints: string[] } {
  const serviceId = randomUUID();
  const endpoints = Array.from({ length: count }, () => randomUUID());
  stack.sim?.seed({
    kind: 'vpcep',
    projectId: DEMO.projectId,
    targetId: serviceId,
    connections: endpoints.map((id) => ({ id })),
  });
  return { serviceId, endpoints };
}

export function vpcepDecision(id: string, serviceId: string, endpoints: string[], action = 'accept') {
  return { id, action, target: { type: 'vpcep', serviceId }, endpoints };
}

export async function sendToQueue(
  stack: LocalStack,
  body: string,
  group: string,
  dedup: string = randomUUID(),
) {
  await stack.sqs.send(
    new SendMessageCommand({
      QueueUrl: stack.queue.url,
      MessageBody: body,
      MessageGroupId: group,
      MessageDeduplicationId: dedup,
    }),
  );
}

export function actionCalls(stack: LocalStack): number {
  return (stack.sim?.countCalls('vpcep.action') ?? 0) + (stack.sim?.countCalls('apig.action') ?? 0);
}
