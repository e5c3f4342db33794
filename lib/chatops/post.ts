/** Posting JSON to a chat platform (Slack response_url, Feishu's, DingTalk's and WeCom's APIs), bounded in time. */

/** `retryAfter` is the answer's Retry-After header, when it sent one (a 429 usually does), as sent: lib/retry.ts reads it. */
export type PostResult = { status: number; text: string; retryAfter?: string };

export async function postJson(
  url: string,
  body: unknown,
  options: { timeoutMs: number; headers?: Record<string, string>; method?: 'POST' | 'PATCH' | 'PUT' },
): Promise<PostResult> {
  const response = await fetch(url, {
    method: options.method ?? 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...options.headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const retryAfter = response.headers.get('retry-after');
  const text = await response.text();
  return retryAfter === null
    ? { status: response.status, text }
    : { status: response.status, text, retryAfter };
}

/** A GET answered with JSON (WeCom's token endpoint), bounded in time like a post. */
export async function getJson(url: string, options: { timeoutMs: number }): Promise<PostResult> {
  const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
  return { status: response.status, text: await response.text() };
}
