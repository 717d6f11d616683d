/** Running programs hubctl drives (git, buildah): a process group each, output as lines, abort = stop. */
export { runProgram, type RunProgramOptions, type ProgramResult } from './run-program.js';
export { findProgram } from './find-program.js';
