/**
 * The CLI process: argv, stdio and the environment to runCli, its answer to the exit code. The entry of
 * the bundle `npm pack` ships (dist/cli/vpcep-approval.mjs, for Node 20 and later) and of a run from
 * the checkout's sources; bin/vpcep-approval.js picks one.
 */
import { processIo } from './io.ts';
import { runCli } from './main.ts';
import { shimForOlderNode } from './node-compat.ts';

shimForOlderNode();
process.exitCode = await runCli(process.argv.slice(2), processIo);
