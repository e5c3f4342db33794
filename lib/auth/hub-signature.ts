/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>` (Jira admin webhooks, GitHub-style senders). */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './compare.ts';

export function verifyHubSignature(header: string, body: Buffer, secret: string): boolean {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (match?.[1] === undefined) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return constantTimeEqual(Buffer.from(match[1], 'hex'), expected);
}
