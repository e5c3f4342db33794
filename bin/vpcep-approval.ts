#!/usr/bin/env node
// The CLI entry. Node 24 runs this TypeScript directly (type stripping); `npx vpcep-approval` in the
// checkout puts the project's own Node 24 first on PATH.
import { processIo } from '../lib/cli/io.ts';
import { runCli } from '../lib/cli/main.ts';

process.exitCode = await runCli(process.argv.slice(2), processIo);
