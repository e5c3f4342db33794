/**
 * deploy/slack-app-manifest.yml asks for the bot scopes of the Slack Web API methods the code calls, and
 * sends the slash command and button presses to the route serverless.yml serves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const manifest = read('deploy/slack-app-manifest.yml');

/** The bot scope each Web API method needs (Slack's method reference), for every method the code calls. */
const SCOPE_OF: Readonly<Record<string, string>> = { 'chat.postMessage': 'chat:write' };

const called = readdirSync(new URL('../../lib/chatops/', import.meta.url))
  .filter((f) => f.endsWith('.ts'))
  .flatMap((f) =>
    [...read(`lib/chatops/${f}`).matchAll(/apiBase\}\/([a-z]+\.[A-Za-z]+)`/g)].map((m) => m[1] as string),
  );

const botScopes = (() => {
  const block = manifest.slice(manifest.indexOf('    bot:\n') + '    bot:\n'.length);
  return [...block.matchAll(/^ {6}- ([\w:.]+)$/gm)].map((m) => m[1]);
})();

describe('deploy/slack-app-manifest.yml', () => {
  it('asks for the scope of every Slack method the code calls, the slash command, and nothing else', () => {
    expect(called).toContain('chat.postMessage');
    for (const method of called) expect(SCOPE_OF[method], `${method}: which scope?`).toBeDefined();
    const needed = new Set(['commands', ...called.map((m) => SCOPE_OF[m])]);
    expect(new Set(botScopes)).toEqual(needed);
  });

  it('sends the /vpcep command and interactivity to the route serverless.yml serves', () => {
    expect(read('serverless.yml')).toMatch(/method: POST\n\s+path: \/chatops\/slack\n/);
    expect(manifest).toMatch(/- command: \/vpcep\n\s+url: https:\/\/[^\n]+\/chatops\/slack\n/);
    expect(manifest).toMatch(
      /interactivity:\n\s+is_enabled: true\n\s+request_url: https:\/\/[^\n]+\/chatops\/slack\n/,
    );
  });
});
