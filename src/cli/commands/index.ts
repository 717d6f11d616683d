import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';
import { registerPull } from './pull.js';
import { registerImages } from './images.js';
import { registerInspect } from './inspect.js';
import { registerRmi } from './rmi.js';
import { registerSearch } from './search.js';
import { registerBuild } from './build.js';
import { registerTag } from './tag.js';
import { registerPush } from './push.js';
import { registerSave } from './save.js';
import { registerLoad } from './load.js';
import { registerLoginCommands } from './login.js';

/** Every subcommand, in the order `hubctl --help` lists them. */
export const COMMANDS: ((program: Command, rt: CliRuntime) => void)[] = [
  registerPull,
  registerImages,
  registerInspect,
  registerRmi,
  registerSearch,
  registerBuild,
  registerTag,
  registerPush,
  registerSave,
  registerLoad,
  registerLoginCommands,
];
