/**
 * Local filesystem rules shared by the store, the api and the CLI: how an output path is opened
 * (output-path.ts), how a config file is read (read-regular.ts), and what a filesystem error says
 * (fs-errors.ts). Depends on nothing but src/errors.
 */
export { openOutputPath, writeOutputFile, type OutputPath, type OutputKind, type OpenOutputOptions } from './output-path.js';
export { fsError, fsCause, isFsError, withFsContext, type FsErrorContext, type FsAction } from './fs-errors.js';
export { tempPathFor, fsyncDir, TEMP_SUFFIX } from './atomic.js';
export { readRegularFile, readRegularFileSync, assertRegularOrAbsent, type ReadRegularOptions } from './read-regular.js';
