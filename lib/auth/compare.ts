/**
 * The one constant-time comparison every verifier uses. Both sides are hashed first, so the
 * comparison always runs over 32 bytes: neither the content nor the length of a secret or signature
 * leaks through timing, and no caller needs its own length check.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function constantTimeEqual(given: string | Buffer, expected: string | Buffer): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
