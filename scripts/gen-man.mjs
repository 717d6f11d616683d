#!/usr/bin/env node
// Part of `npm run build`: writes man/hubctl.1 from the built command tree (dist/), the same tree
// `hubctl completion` reads, so every command and flag is documented without a hand-kept page.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const { commandTree } = await import('../dist/cli/program.js');
const { describeCommand, manPage } = await import('../dist/cli/completion/index.js');
const { VERSION } = await import('../dist/version.js');

const dir = fileURLToPath(new URL('../man/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}hubctl.1`, manPage(describeCommand(commandTree()), VERSION));
