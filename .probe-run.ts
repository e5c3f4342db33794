import { spawnSync } from 'node:child_process';
import { startLedgerEmulator } from '/work/wt-sweepfn/local/ledger-emulator.ts';
const l = await startLedgerEmulator({ tableName: 'probe', region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
for (let i = 0; i < 5; i++) {
  const r = spawnSync(process.execPath, ['/tmp/sweepfn-probe/probe.mjs'], { env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_ENDPOINT_URL_DYNAMODB: l.url, LEDGER_TABLE_NAME: 'probe' }, encoding: 'utf8' });
  console.log(r.stdout.trim(), r.stderr.slice(0, 200));
}
await l.stop();
