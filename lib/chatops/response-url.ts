/**
 * Which Slack URLs the notifier may post to: Slack's response URLs only, `<prefix>commands/…` (slash
 * commands) and `<prefix>actions/…` (interactivity), with the prefix `https://hooks.slack.com/` (tests
 * point it at a local server). An incoming-webhook URL (`/services/…`) or any other path on the host is
 * refused. The URL is normalized first, so `commands/../services/…` or percent-encoded dots cannot
 * step out of those paths.
 */

const RESPONSE_URL_PATHS = ['commands/', 'actions/'] as const;

/** The normalized URL to post to, or undefined when it is not a Slack response URL. */
export function slackResponseUrl(url: string | undefined, prefix: string): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  const normalized = new URL(url);
  if (normalized.username !== '' || normalized.password !== '') return undefined;
  const href = normalized.href;
  return RESPONSE_URL_PATHS.some((path) => href.startsWith(`${prefix}${path}`)) ? href : undefined;
}
