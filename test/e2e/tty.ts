import { spawn } from 'node:child_process';
import { BIN } from './run-cli.js';

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the binary under `script` (a pty) and answers prompts: each step waits until the output
 * contains `expect` (after the previous step's match) and then types `send`. Returns everything the
 * terminal showed, with \r\n turned into \n.
 */
export function onTty(
  args: string[],
  env: NodeJS.ProcessEnv,
  steps: { expect: string; send: string }[],
): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      // NO_COLOR: these tests read the prompts' words; colour on a terminal is terminal.test.ts's
      env: { PATH: process.env.PATH, TERM: 'xterm', NO_COLOR: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let from = 0;
    let step = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out at step ${step}; screen so far:\n${screen}`));
    }, 30_000);
    const advance = () => {
      while (step < steps.length) {
        const at = screen.indexOf(steps[step]!.expect, from);
        if (at < 0) return;
        from = at + steps[step]!.expect.length;
        const text = steps[step]!.send;
        step++;
        // the program switches echo off right after printing the prompt: give it a moment
        setTimeout(() => child.stdin.write(text), 150);
      }
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      screen += d;
      advance();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (screen += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen: screen.replace(/\r\n/g, '\n') });
    });
  });
}
