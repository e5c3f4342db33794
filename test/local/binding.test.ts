import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { PortInUseError } from '../../local/listen.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';

let stack: LocalStack | undefined;
const blockers: Server[] = [];

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
  for (const server of blockers.splice(0)) await new Promise((r) => server.close(r));
});

describe('the local stack listens on loopback only', () => {
  it('binds the webhook, the SQS/SNS emulator, the ledger, the simulator and the Jira stand-in to 127.0.0.1', async () => {
    stack = await startLocalStack({ port: 0, autoPoll: false });

    // Five servers: HTTP API, fauxqs, dynalite, and (no credentials given, so started) the Huawei
    // simulator and the Jira stand-in.
    expect(stack.servers).toHaveLength(5);
    for (const server of stack.servers) {
      const address = server.address();
      expect(address, 'a listening server').toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    }
    expect(new URL(stack.fauxqs.address).hostname).toBe('127.0.0.1');
    expect(new URL(stack.webhookUrl).hostname).toBe('127.0.0.1');
  });

  it('refuses a busy port with an error naming the port and PORT', async () => {
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const busy = (blocker.address() as { port: number }).port;

    const started = startLocalStack({ port: busy, autoPoll: false });

    await expect(started).rejects.toBeInstanceOf(PortInUseError);
    await expect(started).rejects.toThrow(`port ${busy} on 127.0.0.1 is already in use: set PORT`);
  });
});
