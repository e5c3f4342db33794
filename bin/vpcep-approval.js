#!/usr/bin/env node
// The CLI entry, JavaScript that any Node ≥ 20 loads. In the checkout, Node 24 runs the TypeScript
// under lib/ directly (type stripping; `npx vpcep-approval` puts the project's own Node 24 first on
// PATH). The package `npm pack` makes has no lib/, only the bundle the `prepack` script builds
// (dist/cli/), which runs on Node 20 and later. Either way the compile cache (Node ≥ 22.1; absent on
// Node 20, hence the check) keeps compiled modules on disk in the OS temp folder, so only the first run
// pays for compiling them: from sources, a one-endpoint decision fell from ~400 ms to about what a
// bundle takes. This file is JavaScript because it is loaded before the cache is on.
import module from 'node:module';

module.enableCompileCache?.();
const sources = new URL('../lib/cli/entry.ts', import.meta.url);
// Sources only where this Node can run them: Node 20 in a checkout takes the bundle, if it is built.
// (`process.features.typescript` is 'strip' or 'transform' where it can, false or absent where not.)
const fromSources =
  Boolean(process.features.typescript) &&
  module
    .createRequire(import.meta.url)('node:fs')
    .existsSync(sources);
if (fromSources) await import(sources.href);
else {
  const bundle = new URL('../dist/cli/vpcep-approval.mjs', import.meta.url);
  await import(bundle.href).catch((error) => {
    if (
      error?.code !== 'ERR_MODULE_NOT_FOUND' ||
      !String(error.message).includes(decodeURIComponent(bundle.pathname))
    )
      throw error;
    process.stderr.write(
      `vpcep-approval: this checkout runs from its TypeScript sources on Node 24 (npx vpcep-approval), or from the bundle \`npm run build:cli\` makes; this is Node ${process.versions.node}\n`,
    );
    process.exitCode = 2;
  });
}
