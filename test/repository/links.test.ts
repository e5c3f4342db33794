/**
 * Every relative link and every #anchor in README.md and docs/*.md leads somewhere: the file exists, and
 * the anchor is a heading of the page it names, spelled as GitHub spells heading anchors (lower case,
 * punctuation removed, each space a hyphen, -1, -2 … for repeated headings).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * The configuration reference is generated from the config schemas by its own change; until it lands,
 * links to it are allowed to dangle. Once the file exists it is checked like every other page.
 */
const GENERATED_ELSEWHERE = new Set(['docs/configuration.md']);
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The page's text outside fenced code blocks and inline code, where links are not links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading's text. */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link counts by its text
    .replace(/<[^>]+>/g, '') // inline HTML
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '').replace(/ /g, '-');
}

function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, text] of withoutCode.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = slug(text ?? '');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Each relative link or anchor in `page` (a path under `root`) that does not resolve, with why. */
function brokenLinks(root: string, page: string): string[] {
  const read = (p: string) => readFileSync(p, 'utf8');
  const source = join(root, page);
  const broken: string[] = [];
  for (const [, target] of prose(read(source)).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    if (target === undefined || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [path = '', anchor] = target.split('#', 2);
    const file = path === '' ? source : join(dirname(source), decodeURI(path));
    if (!existsSync(file)) {
      if (GENERATED_ELSEWHERE.has(relative(root, file))) continue;
      broken.push(`${page}: ${target}: no such file ${relative(root, file)}`);
      continue;
    }
    if (anchor === undefined) continue;
    if (statSync(file).isDirectory() || !file.endsWith('.md')) {
      broken.push(`${page}: ${target}: an anchor into something that is not a Markdown page`);
      continue;
    }
    if (!anchors(read(file)).has(anchor)) broken.push(`${page}: ${target}: no heading for #${anchor}`);
  }
  return broken;
}

describe('links in README.md and docs/', () => {
  it('spells anchors as GitHub does', () => {
    expect(slug('Tickets: Jira / JSM and ServiceNow')).toBe('tickets-jira--jsm-and-servicenow');
    expect(slug('The `approval.requested` event')).toBe('the-approvalrequested-event');
    expect(slug("The deployer's AWS permissions")).toBe('the-deployers-aws-permissions');
    expect(slug('Once, whatever fails')).toBe('once-whatever-fails');
    expect(slug('Setting up [Slack](slack.md)')).toBe('setting-up-slack');
    expect([...anchors('# A\n## Usage\n```\n# not a heading\n```\n## Usage\n')]).toEqual([
      'a',
      'usage',
      'usage-1',
    ]);
  });

  it('finds a missing file, a missing anchor, and a link in code that is not one', () => {
    const root = mkdtempSync(join(tmpdir(), 'links-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(
      join(root, 'README.md'),
      '# Intro\n[ok](docs/a.md#usage) [gone](docs/b.md) [bad](docs/a.md#nope) [self](#intro) [off](#outro)\n',
    );
    writeFileSync(
      join(root, 'docs/a.md'),
      '# A\n## Usage\n`[code](nowhere.md)`\n```\n[fenced](gone.md)\n```\n',
    );
    expect(brokenLinks(root, 'README.md')).toEqual([
      'README.md: docs/b.md: no such file docs/b.md',
      'README.md: docs/a.md#nope: no heading for #nope',
      'README.md: #outro: no heading for #outro',
    ]);
    expect(brokenLinks(root, 'docs/a.md')).toEqual([]);
  });

  it.each([
    'serverless.yml',
    '.env.example',
    // Files only: deploy/stages/ holds a stage's parameters once `npm run setup` has written them.
    ...readdirSync(join(ROOT, 'deploy'), { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => `deploy/${entry.name}`),
  ])('%s names only pages of the manual that exist, and no README section', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const named = [...text.matchAll(/\bdocs\/[\w-]+\.md\b/g)].map((m) => m[0]);
    expect(named.filter((p) => !existsSync(join(ROOT, p)) && !GENERATED_ELSEWHERE.has(p))).toEqual([]);
    // The README is a landing page now: its sections are not a place to point at.
    expect(text).not.toMatch(/README(\.md)?[, ]*(\(|")|see README|\(README(\.md)?\)/);
  });

  it.each(PAGES)('%s: every relative link and anchor resolves', (page) => {
    expect(brokenLinks(ROOT, page)).toEqual([]);
  });
});
