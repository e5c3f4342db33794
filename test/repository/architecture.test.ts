/**
 * The arrows that must never exist (docs/architecture.md), checked on every file's imports: static
 * `import … from`, `export … from` and dynamic `import()`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

type ImportOptions = { valuesOnly?: boolean; staticOnly?: boolean };

/**
 * Each import of a file: a package name as written, or a repository path for a relative import.
 * `valuesOnly` leaves out `import type`, which loads nothing at run time; `staticOnly` leaves out
 * `import()`, which loads only when the code that calls it runs.
 */
function importsOf(file: string, options: ImportOptions = {}): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const statements =
    /(?:^import\s+(type\s)?[^;]*?\bfrom\s+|^export\s[^;]*?\bfrom\s+|(\bimport\s*\(\s*)|^import\s+)['"]([^'"]+)['"]/gm;
  const specifiers = [...text.matchAll(statements)]
    .filter((m) => !(options.valuesOnly && m[1] !== undefined))
    .filter((m) => !(options.staticOnly && m[2] !== undefined))
    .map((m) => m[3] as string);
  return specifiers.map((s) => (s.startsWith('.') ? relative(root, resolve(root, dirname(file), s)) : s));
}

/** Every repository file loaded before `entry` runs: its static value imports, followed through. */
function loadedWith(entry: string): string[] {
  const loaded = new Set<string>();
  const visit = (file: string) => {
    if (loaded.has(file) || !file.endsWith('.ts')) return;
    loaded.add(file);
    for (const i of importsOf(file, { valuesOnly: true, staticOnly: true }))
      if (i.startsWith('lib/')) visit(i);
  };
  visit(entry);
  return [...loaded];
}

/**
 * The import loops among `files`, each written as the path that closes it (`a → b → a`). Every import
 * counts, `import type` and `import()` too: a loop of either still ties the modules into one.
 */
function loops(files: string[], edges: (file: string) => string[] = (file) => importsOf(file)): string[] {
  const known = new Set(files);
  const state = new Map<string, 'open' | 'done'>();
  const found: string[] = [];
  const visit = (file: string, stack: string[]) => {
    state.set(file, 'open');
    const path = [...stack, file];
    for (const next of edges(file).filter((i) => known.has(i))) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next, path);
    }
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file, []);
  return found;
}

/** Every `file → import` pair of `files` whose import matches `forbidden`. */
function arrows(files: string[], forbidden: RegExp, options: ImportOptions = {}): string[] {
  return files.flatMap((file) =>
    importsOf(file, options)
      .filter((i) => forbidden.test(i))
      .map((i) => `${file} → ${i}`),
  );
}

describe('the arrows that must never exist', () => {
  it('reads imports the way the code writes them (the check itself can fail)', () => {
    expect(importsOf('functions/decision-worker.ts')).toEqual(
      expect.arrayContaining(['@middy/core', 'lib/queue/worker.ts', 'functions/commons/wiring.ts']),
    );
    expect(importsOf('lib/outcome/publish.ts')).toContain('lib/outcome/sns-publisher.ts');
    expect(importsOf('lib/ledger/attributes.ts')).toContain('@aws-sdk/client-dynamodb');
    expect(importsOf('lib/ledger/attributes.ts', { valuesOnly: true })).not.toContain(
      '@aws-sdk/client-dynamodb',
    );
    expect(importsOf('lib/cli/main.ts')).toContain('lib/cli/loop-commands.ts');
    expect(importsOf('lib/cli/main.ts', { staticOnly: true })).not.toContain('lib/cli/loop-commands.ts');
    expect(loadedWith('lib/cli/main.ts')).toEqual(
      expect.arrayContaining(['lib/executor/execute.ts', 'lib/huawei/client.ts', 'lib/decision/schema.ts']),
    );
  });

  it('the Huawei client knows no AWS, no Lambda, no middy, and nothing of outcomes', () => {
    expect(
      arrows(
        sources('lib/huawei'),
        /^(@aws-sdk\/|aws-lambda$|@middy\/|@aws-lambda-powertools\/|lib\/outcome\/)/,
      ),
    ).toEqual([]);
  });

  it('lib/ never imports a function or its wiring', () => {
    expect(arrows(sources('lib'), /^functions\//)).toEqual([]);
  });

  it('the local stack runs without the tests: local/ never imports test/', () => {
    expect(arrows(sources('local'), /^test\//)).toEqual([]);
  });

  it('the CLI starts without the approval loop: rules, ledger, sweeper and help load with their commands', () => {
    const forbidden =
      /^lib\/(rules\/schema\.ts|rules\/evaluate\.ts|ledger\/|sweeper\/|tickets\/|chatops\/|cli\/(help|loop-commands|ledger-client)\.ts)/;
    expect(loadedWith('lib/cli/main.ts').filter((f) => forbidden.test(f))).toEqual([]);
  });

  it('finds an import loop when there is one (the check itself can fail)', () => {
    const graph: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a', 'd'], d: [], e: ['e'] };
    expect(loops(Object.keys(graph), (file) => graph[file] ?? [])).toEqual(['a → b → c → a', 'e → e']);
  });

  it('lib/ modules import one another without loops', () => {
    expect(loops(sources('lib'))).toEqual([]);
  });

  it('the executor returns an outcome and never publishes it', () => {
    expect(arrows(sources('lib/executor'), /^(lib\/outcome\/|@aws-sdk\/client-sns$)/)).toEqual([]);
  });

  it('logic outside the adapters does not load an AWS SDK client itself (types are fine)', () => {
    const adapters =
      /^lib\/(queue\/sqs-queue\.ts|outcome\/sns-publisher\.ts|secrets-ssm\.ts|ledger\/|cli\/ledger-client\.ts)/;
    const files = sources('lib').filter((f) => !adapters.test(f));
    expect(arrows(files, /^@aws-sdk\//, { valuesOnly: true })).toEqual([]);
  });
});
