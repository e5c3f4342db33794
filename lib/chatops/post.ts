/** Posting JSON to a chat platform (Slack response_url, Feishu's API), bounded in time. */

export type PostResult = { status: number; text: string };

export async function postJson(
  url: string,
  body: unknown,
  options: { timeoutMs: number; headers?: Record<string, string>; method?: 'POST' | 'PATCH' },
): Promise<PostResult> {
  const response = await fetch(url, {
    method: options.method ?? 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...options.headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  return { status: response.status, text: await response.text() };
}
