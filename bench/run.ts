/**
 * `npm run bench`: every benchmark compares against a peer in the same run and prints ratios. Targets
 * are printed as PASS or MISS; none fails the process, since timings depend on the machine.
 */
import { chatAck } from './chat-ack.ts';
import { cliColdStart } from './cli-cold-start.ts';
import { decisionThroughput } from './decision-throughput.ts';
import { estateSweep } from './estate.ts';
import { functionColdStart } from './function-cold-start.ts';
import { sweepAtScale } from './sweep.ts';
import { throttled } from './throttled.ts';

const only = process.argv[2];
const benchmarks: Array<[string, () => Promise<string>]> = [
  ['throughput', decisionThroughput],
  ['throttled', throttled],
  ['cli', cliColdStart],
  ['functions', functionColdStart],
  ['chat', chatAck],
  ['sweep', sweepAtScale],
  ['estate', estateSweep],
];

console.log(`vpcep-approval benchmarks — Node ${process.version}, ${new Date().toISOString()}`);
for (const [name, bench] of benchmarks) {
  if (only !== undefined && only !== name) continue;
  console.log(await bench());
}
