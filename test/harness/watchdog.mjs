// Run a server under a /bin/sh watchdog: when our stdin pipe closes (stop(), or this node process dies in any
// way, even SIGKILL), the watchdog terminates the server and removes the given directories.
import { spawn } from 'node:child_process';

const SCRIPT = `
exec 3<&0
"$0" "$@" </dev/null 3<&- &
p=$!
echo "$p"
(
  cat <&3 >/dev/null
  kill -TERM "$p" 2>/dev/null
  i=0
  while kill -0 "$p" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i+1)); done
  kill -KILL "$p" 2>/dev/null
  if [ -n "$WATCHDOG_RM" ]; then printf '%s\\n' "$WATCHDOG_RM" | while IFS= read -r d; do [ -n "$d" ] && rm -rf -- "$d"; done; fi
) </dev/null >/dev/null 2>&1 3<&3 &
wait "$p"
`;

/**
 * Spawn `bin args...` under the watchdog. The first stdout line is the server's pid (consumed here).
 * Handles are unref'd, so a forgotten server never keeps node alive.
 * @param {string} bin
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, removeOnExit?: string[] }} [opts]
 */
export function spawnWatched(bin, args, opts = {}) {
  const env = { ...(opts.env ?? process.env), WATCHDOG_RM: (opts.removeOnExit ?? []).join('\n') };
  const child = spawn('/bin/sh', ['-c', SCRIPT, bin, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  /** @type {(pid: number) => void} */ let gotPid = () => {};
  const pid = new Promise((resolve) => {
    gotPid = resolve;
  });
  let first = '';
  let havePid = false;
  /** @type {((chunk: string) => void)[]} */ const listeners = [];
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (/** @type {string} */ d) => {
    if (!havePid) {
      first += d;
      const nl = first.indexOf('\n');
      if (nl < 0) return;
      havePid = true;
      gotPid(Number(first.slice(0, nl)));
      unrefAll();
      d = first.slice(nl + 1);
      if (!d) return;
    }
    for (const l of listeners) l(d);
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (/** @type {string} */ d) => {
    for (const l of listeners) l(d);
  });
  child.stdin?.on('error', () => {});
  // Stay referenced until the pid line arrives, then let node exit freely (the watchdog cleans up).
  const unrefAll = () => {
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) /** @type {any} */ (s)?.unref?.();
  };
  child.once('exit', () => {
    if (!havePid) {
      havePid = true;
      gotPid(-1);
    }
  });
  return {
    child,
    /** pid of the server itself (not the watchdog shell) */
    pid: /** @type {Promise<number>} */ (pid),
    /** @param {(chunk: string) => void} fn */ onOutput(fn) {
      listeners.push(fn);
    },
    /** Close the watchdog's stdin: it stops the server and removes the directories. */
    release() {
      child.ref();
      child.stdin?.end();
    },
  };
}
