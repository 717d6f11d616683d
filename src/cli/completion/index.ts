export { describeCommand, allCommands, type CommandInfo, type FlagInfo } from './model.js';
export { bashCompletion } from './bash.js';
export { zshCompletion } from './zsh.js';
export { fishCompletion } from './fish.js';
export { manPage } from './man.js';
