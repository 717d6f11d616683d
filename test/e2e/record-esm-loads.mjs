// Preload for `node --import`: appends the URL of every ES module the process loads to $HUBCTL_LOAD_LOG,
// one per line. The hooks run on node's loader thread, so they write the file themselves.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    import { appendFileSync } from 'node:fs';
    export async function load(url, context, next) {
      if (url.startsWith('file:')) appendFileSync(process.env.HUBCTL_LOAD_LOG, url + '\\n');
      return next(url, context);
    }
  `)}`,
);
