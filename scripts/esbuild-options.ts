/** The esbuild settings every bundle shares: our functions, the benchmark's peer and the CLI bundle. */
import { createRequire, isBuiltin } from 'node:module';
import type { BuildOptions, Plugin } from 'esbuild';

/**
 * Node built-ins named by `import` statements or `import()` (the AWS SDK imports node:http that way) are
 * loaded with `require` instead. An ES module import of a built-in builds a facade that reads every
 * export, and so runs its lazy getters: node:http's WebSocket getters compile Node's internal undici
 * (~20 ms measured here); node:util, node:fs and node:process add 2–4 ms each. `require` hands back the
 * module object and runs none of them.
 */
const builtinsViaRequire: Plugin = {
  name: 'builtins-via-require',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z0-9_/]+$/ }, (args) => {
      if (!isBuiltin(args.path)) return undefined;
      if (args.kind === 'dynamic-import') return { path: args.path, namespace: 'builtin-via-import' };
      // One such module per importing file, so that it goes in its importer's chunk: shared by
      // several, it would be a chunk of its own (~200 bytes), and each chunk is one more file the
      // ES module loader resolves, reads and links at run time.
      return args.kind === 'import-statement'
        ? { path: args.path, namespace: 'builtin-via-require', suffix: `?from=${args.importer}` }
        : undefined;
    });
    // The require() inside resolves as a require call, which esbuild leaves to the runtime's require.
    build.onLoad({ filter: /.*/, namespace: 'builtin-via-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
    // A dynamic import becomes a chunk of its own, and a chunk made from CommonJS exports only
    // `default`: `const { request } = await import('node:http')` (the AWS SDK's instance-metadata
    // credentials) and `(await import('node:fs/promises')).readFile` found undefined. So the chunk
    // names the module's plain values too. Accessors (node:http's WebSocket) stay behind `default`:
    // naming them would run the getters this plugin exists to avoid.
    build.onLoad({ filter: /.*/, namespace: 'builtin-via-import' }, (args) => ({
      contents: `const m = require(${JSON.stringify(args.path)});\nexport default m;\n${namedValues(args.path)}`,
      loader: 'js',
    }));
  },
};

const requireBuiltin = createRequire(import.meta.url);

function namedValues(builtin: string): string {
  const names = Object.entries(Object.getOwnPropertyDescriptors(requireBuiltin(builtin)))
    .filter(([name, descriptor]) => 'value' in descriptor && /^[A-Za-z_$][\w$]*$/.test(name))
    .map(([name]) => name)
    .filter((name) => name !== 'default');
  return names.length === 0 ? '' : `export const { ${names.join(', ')} } = m;\n`;
}

export const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  legalComments: 'none',
  splitting: true,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  // The ES module builds of the AWS SDK and Smithy let esbuild keep only what is used, and what is
  // kept is evaluated only when first reached: measured here, SNS client load + first publish fell
  // from ~120 ms to ~80 ms against the CommonJS builds.
  mainFields: ['module', 'main'],
  // undici's own switch for bundlers (Node core builds it this way): leaves out its experimental Milo
  // parser, two WASM builds of which would otherwise be ~150 KB of every bundle.
  define: { esbuildDetection: 'true' },
  // CommonJS dependencies (undici, parts of the AWS SDK) call require() for Node built-ins; ESM has none.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  plugins: [builtinsViaRequire],
  logLevel: 'warning',
};
