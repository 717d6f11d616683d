// Real git repositories for the git-context tests, made with the git CLI.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runTool } from './proc.mjs';

/**
 * An environment for git in tests: the caller's PATH, `home` as HOME (no user config), a fixed author.
 * @param {string} home
 */
export function gitTestEnv(home) {
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
  };
}

/**
 * `git init -b main` at `dir`, writes `files` (path -> content) and commits them.
 * @param {string} dir
 * @param {Record<string, string>} files
 * @param {{ home: string }} opts
 */
export async function makeGitRepo(dir, files, opts) {
  const env = gitTestEnv(opts.home);
  /** @param {string[]} args */
  const git = async (args) => (await runTool('git', ['-C', dir, ...args], { env })).stdout.trim();
  await mkdir(dir, { recursive: true });
  await runTool('git', ['init', '-q', '-b', 'main', dir], { env });
  for (const [path, body] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), body);
  }
  await git(['add', '.']);
  await git(['commit', '-q', '-m', 'first']);
  return { git, commit: await git(['rev-parse', 'HEAD']), env };
}
