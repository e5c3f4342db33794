/**
 * `npm run setup` on a real terminal: run under `script`, which gives it a pseudo-terminal, and answered
 * as a person types, one question at a time. The terminal's transcript (everything it showed) must
 * hold the parameters typed, echoed as usual, and none of the secrets.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parameterQuestions, ssmQuestions } from '../../scripts/setup/plan.ts';
import { type CaptureAnswer, startCaptureServer } from '../helpers/capture-server.ts';
import { ROOT } from '../helpers/packaging.ts';

const stage = `setup-tty-${randomUUID().slice(0, 8)}`;
afterAll(() => rmSync(join(ROOT, 'deploy', 'stages', `${stage}.json`), { force: true }));

const SK = 'Sk-typed-on-a-terminal-9c4e1f7a2b8d';
const AK = 'AKTYPEDONATERMINAL42';
const ANSWERS: Record<string, string> = {
  huaweiRegion: 'cn-north-4',
  huaweiProjectId: '0504201b6c80256b2f01c0074ea4d3f8',
  alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:on-call',
  watchTargets: 'vpcep:4189d3c2-8882-4871-a3c2-d380272eed88',
  allowedTargets: 'vpcep:4189d3c2-8882-4871-a3c2-d380272eed88',
  HUAWEICLOUD_SDK_AK: AK,
  HUAWEICLOUD_SDK_SK: SK,
};

describe.runIf(existsSync('/usr/bin/script'))('npm run setup on a terminal', () => {
  it('echoes the parameters typed and never a secret', async () => {
    const ssm = await startCaptureServer(
      (): CaptureAnswer => ({
        status: 200,
        body: '{"Version":1}',
        contentType: 'application/x-amz-json-1.1',
      }),
    );
    try {
      const child = spawn(
        '/usr/bin/script',
        ['-qfec', `${process.execPath} scripts/setup.ts --stage ${stage}`, '/dev/null'],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH,
            TERM: 'dumb',
            AWS_ENDPOINT_URL_SSM: ssm.url,
            AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
            AWS_SECRET_ACCESS_KEY: 'local',
          },
        },
      );
      let transcript = '';
      let waiting: { text: string; resolve: () => void } | undefined;
      child.stdout.on('data', (chunk: Buffer) => {
        transcript += chunk.toString('utf8');
        if (waiting !== undefined && transcript.includes(waiting.text)) waiting.resolve();
      });
      const shown = (text: string) =>
        transcript.includes(text)
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              waiting = { text, resolve };
            });
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

      // One question at a time, as a person answers: each typed only once its prompt is on the screen.
      for (const q of [...parameterQuestions(), ...ssmQuestions()]) {
        await shown(`${q.name} (`);
        const before = transcript.length;
        child.stdin.write(`${ANSWERS[q.name] ?? ''}\r`);
        // The next prompt, or the summary, follows the answer.
        await new Promise<void>((resolve) => {
          const check = () => (transcript.length > before + 2 ? resolve() : setTimeout(check, 10));
          check();
        });
      }
      child.stdin.end();

      expect(await exited).toBe(0);
      expect(transcript).toContain('cn-north-4');
      expect(transcript).toContain('next: npm run deploy');
      expect(transcript).not.toContain(SK);
      expect(transcript).not.toContain(AK);
      expect(ssm.captured.map((r) => (r.body as { Value: string }).Value).sort()).toEqual([AK, SK].sort());
    } finally {
      await ssm.close();
    }
  }, 60_000);
});
