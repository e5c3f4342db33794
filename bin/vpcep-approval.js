#!/usr/bin/env node
// The CLI entry. Node 24 runs the TypeScript under lib/ directly (type stripping); `npx vpcep-approval`
// in the checkout puts the project's own Node 24 first on PATH. The compile cache keeps the stripped and
// compiled modules on disk (in the OS temp folder), so only the first run pays for them: measured here,
// a one-endpoint decision from sources fell from ~400 ms to about what a bundle takes. This file is
// JavaScript because it is loaded before the cache is on: as TypeScript it made every run load Node's
// type stripper just for itself (~60 ms of a ~270 ms run measured here); now a run whose modules are
// all cached never loads it.
import { enableCompileCache } from 'node:module';

enableCompileCache();
const { processIo } = await import('../lib/cli/io.ts');
const { runCli } = await import('../lib/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2), processIo);
