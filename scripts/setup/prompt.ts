/**
 * Questions on the terminal, answers read line by line from stdin. A hidden answer is not echoed: what
 * the terminal would write back while it is typed is dropped, so a secret never reaches the screen, a
 * scrollback or a recorded session. Piped input (CI, tests) is read the same way, a line an answer.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

export type Prompt = {
  ask(question: string, options?: { hidden?: boolean }): Promise<string | undefined>;
  close(): void;
};

export function terminalPrompt(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Prompt {
  let hidden = false;
  // readline echoes what is typed through this stream; while an answer is hidden, nothing passes.
  const echo = new Writable({
    write(chunk, _encoding, done) {
      if (!hidden) output.write(chunk);
      done();
    },
  });
  const terminal = (input as { isTTY?: boolean }).isTTY === true;
  const lines = createInterface({ input, output: echo, terminal });
  // Its own prompt is never used: a redraw (after a backspace) writes only the answer, through `echo`.
  lines.setPrompt('');
  const queued: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  let ended = false;
  lines.on('line', (line) => {
    const next = waiting.shift();
    if (next === undefined) queued.push(line);
    else next(line);
  });
  lines.on('close', () => {
    ended = true;
    for (const next of waiting.splice(0)) next(undefined);
  });
  return {
    async ask(question, options = {}) {
      output.write(question);
      hidden = options.hidden === true;
      const line =
        queued.length > 0
          ? queued.shift()
          : ended
            ? undefined
            : await new Promise<string | undefined>((resolve) => waiting.push(resolve));
      // A hidden answer's Enter was not echoed; piped answers echo nothing at all.
      if (hidden || !terminal) output.write('\n');
      hidden = false;
      return line;
    },
    close: () => lines.close(),
  };
}
