/**
 * The one replay window every timestamped scheme shares (Standard Webhooks, Slack, Feishu/Lark): the
 * sender's Unix time, in seconds, within five minutes of ours either way.
 */

export const REPLAY_WINDOW_SECONDS = 5 * 60;

/** Undefined when `timestamp` (from `header`) is a Unix time inside the window; otherwise why not. */
export function replayWindowProblem(header: string, timestamp: string, now: Date): string | undefined {
  if (!/^\d{1,12}$/.test(timestamp)) return `${header} is not a Unix time in seconds`;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > REPLAY_WINDOW_SECONDS)
    return `${header} is outside the 5-minute tolerance`;
  return undefined;
}
