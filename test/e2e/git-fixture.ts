import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** A real git repository made with the git CLI, for autobuild tests. */
export class GitFixture {
  constructor(readonly dir: string) {}

  static async init(dir: string, branch = 'main'): Promise<GitFixture> {
    await mkdir(dir, { recursive: true });
    execFileSync('git', ['init', '-q', '-b', branch, dir]);
    return new GitFixture(dir);
  }

  git(...args: string[]): string {
    return execFileSync('git', ['-C', this.dir, '-c', 'user.email=ci@example.test', '-c', 'user.name=CI', ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: this.dir, GIT_COMMITTER_DATE: '2024-01-02T03:04:05Z', GIT_AUTHOR_DATE: '2024-01-02T03:04:05Z' },
    }).trim();
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
