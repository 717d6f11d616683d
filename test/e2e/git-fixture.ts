import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gitTestEnv } from '../harness/index.mjs';

/**
 * A real git repository made with the git CLI (the harness's gitTestEnv), committed to step by step
 * with synchronous calls, at a fixed date (autobuild's images take the commit's time as `created`).
 */
export class GitFixture {
  private readonly env: NodeJS.ProcessEnv;

  private constructor(readonly dir: string) {
    this.env = { ...gitTestEnv(dir), GIT_COMMITTER_DATE: '2024-01-02T03:04:05Z', GIT_AUTHOR_DATE: '2024-01-02T03:04:05Z' };
  }

  static async init(dir: string, branch = 'main'): Promise<GitFixture> {
    await mkdir(dir, { recursive: true });
    const repo = new GitFixture(dir);
    repo.git('init', '-q', '-b', branch);
    return repo;
  }

  git(...args: string[]): string {
    return execFileSync('git', ['-C', this.dir, ...args], { encoding: 'utf8', env: this.env }).trim();
  }

  /** Writes the files and commits them; returns the commit. */
  async commit(files: Record<string, string>, message = 'change'): Promise<string> {
    for (const [name, text] of Object.entries(files)) {
      await mkdir(dirname(join(this.dir, name)), { recursive: true });
      await writeFile(join(this.dir, name), text);
    }
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }
}
