#!/usr/bin/env node
// Part of `npm run build`: dist/ is rebuilt from nothing, so a file whose source was moved or removed
// (src/build -> src/builder) is never shipped by `npm pack`.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

rmSync(fileURLToPath(new URL('../dist/', import.meta.url)), { recursive: true, force: true });
