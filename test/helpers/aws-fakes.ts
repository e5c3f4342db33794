/**
 * AWS SDK clients faked at `client.send`, the boundary the SDK itself exposes: each records the command
 * inputs it was given and answers like the service, or fails when told to.
 */
export type SentCommand = { name: string; input: Record<string, unknown> };

export function fakeAwsClient(options: { fail?: () => boolean } = {}) {
  const sent: SentCommand[] = [];
  let counter = 0;
  return {
    sent,
    async send(command: { constructor: { name: string }; input: unknown }): Promise<never> {
      if (options.fail?.())
        throw Object.assign(new Error('service unavailable'), { name: 'ServiceUnavailable' });
      sent.push({ name: command.constructor.name, input: command.input as Record<string, unknown> });
      counter += 1;
      return { MessageId: `msg-${counter}` } as never;
    },
  };
}
