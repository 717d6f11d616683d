// Preload for `node --import`: appends the URL of every module the process loads to $HUBCTL_LOAD_LOG, one
// per line: ES modules from a loader hook (node runs hooks on their own thread, so the hook writes the file
// itself), CommonJS modules from require.cache when the process exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

register(
  `data:text/javascript,${encodeURIComponent(`
    import { appendFileSync } from 'node:fs';
    export async function load(url, context, next) {
      if (url.startsWith('file:')) appendFileSync(process.env.HUBCTL_LOAD_LOG, url + '\\n');
      return next(url, context);
    }
  `)}`,
);

const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const urls = Object.keys(cache).map((file) => pathToFileURL(file).href);
  if (urls.length > 0) appendFileSync(process.env.HUBCTL_LOAD_LOG, `${urls.join('\n')}\n`);
});
