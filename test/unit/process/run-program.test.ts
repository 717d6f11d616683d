import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../src/process/run-program.js';
import { findProgram } from '../../../src/process/find-program.js';
import { HubctlError } from '../../../src/errors.js';

const env = { PATH: process.env.PATH };

/** Whether a process still runs (a zombie waiting for its reaper does not); polled a little, SIGKILL is not instant. */
async function running(pid: number): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (stat === '' || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

describe('runProgram', () => {
  it('gives lines as they come and the status, whatever it is', async () => {
    const lines: string[] = [];
    const r = await runProgram('sh', {
      args: ['-c', 'echo one; echo two >&2; printf three; exit 3'],
      env,
      onLine: (l, s) => lines.push(`${s}:${l}`),
    });
    expect(r.code).toBe(3);
    expect(lines.sort()).toEqual(['stderr:two', 'stdout:one', 'stdout:three']);
    expect(r.stdout).toBe('one\nthree');
  });

  it('an abort stops the whole process group (the child and what it started) and rejects as interrupted', async () => {
    const controller = new AbortController();
    let grandchild = 0;
    const run = runProgram('sh', {
      args: ['-c', 'sleep 30 & echo $!; wait'],
      env,
      signal: controller.signal,
      onLine: (l) => {
        grandchild = Number(l);
        controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ kind: 'interrupted' });
    expect(grandchild).toBeGreaterThan(0);
    expect(await running(grandchild)).toBe(false);
  });

  it('what a child leaves running in its group is killed when it exits', async () => {
    let left = 0;
    const r = await runProgram('sh', { args: ['-c', '(trap "" TERM; sleep 30) & echo $!'], env, onLine: (l) => (left = Number(l)) });
    expect(r.code).toBe(0);
    expect(await running(left)).toBe(false);
  });

  it('a timeout stops it like an abort', async () => {
    const run = runProgram('sh', { args: ['-c', 'sleep 30'], env, timeoutMs: 200 });
    await expect(run).rejects.toBeInstanceOf(HubctlError);
    await expect(run).rejects.toMatchObject({ code: 'PROGRAM_TIMEOUT' });
  });

  it('a program that cannot start rejects', async () => {
    await expect(runProgram('/nonexistent/program', { args: [], env })).rejects.toThrow(/ENOENT/);
  });
});

describe('findProgram', () => {
  it('finds executables on PATH, ignoring relative entries', async () => {
    expect(await findProgram('sh', process.env.PATH)).toMatch(/\/sh$/);
    expect(await findProgram('sh', 'bin:usr/bin')).toBeUndefined();
    expect(await findProgram('no-such-program-here', process.env.PATH)).toBeUndefined();
  });
});
