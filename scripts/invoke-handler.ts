/**
 * Loads a packaged handler in a fresh process, as Lambda does, and invokes it once with the event on
 * stdin. Prints `{result, initMs, firstEventMs}` as JSON: init is the import, first event is import +
 * invocation. Used by the packaging test and the cold-start benchmarks.
 *   node scripts/invoke-handler.ts <handler.mjs> < event.json
 */
import { pathToFileURL } from 'node:url';

const [file] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: node scripts/invoke-handler.ts <handler.mjs> < event.json');
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const event: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const started = performance.now();
const module = (await import(pathToFileURL(file).href)) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};
const initMs = performance.now() - started;
const deadline = Date.now() + 30_000;
const context = {
  functionName: 'local',
  awsRequestId: crypto.randomUUID(),
  getRemainingTimeInMillis: () => deadline - Date.now(),
  callbackWaitsForEmptyEventLoop: false,
};
const result = await module.handler(event, context);
const firstEventMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ result, initMs, firstEventMs })}\n`);
// Like Lambda freezing the sandbox: keep-alive sockets must not hold the process open.
process.exit(0);
