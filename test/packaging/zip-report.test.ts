/** `npm run package` reports what Lambda stores: each function's zip, not the unzipped bundle. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zipSizes } from '../../scripts/package.ts';

describe('the package report', () => {
  it('lists each zip in the package folder with its size on disk, smallest first, and nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vpcep-zips-'));
    await writeFile(join(dir, 'decisionWorker.zip'), Buffer.alloc(3000));
    await writeFile(join(dir, 'decisionWebhook.zip'), Buffer.alloc(1200));
    // serverless package writes its templates beside the zips; they are not functions.
    await writeFile(join(dir, 'cloudformation-template-update-stack.json'), '{}'.repeat(5000));

    expect(await zipSizes(dir)).toEqual([
      { name: 'decisionWebhook', bytes: 1200 },
      { name: 'decisionWorker', bytes: 3000 },
    ]);
  });
});
