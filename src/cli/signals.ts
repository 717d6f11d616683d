/**
 * Some dependencies hook SIGINT/SIGTERM themselves and, after their own cleanup, send the same signal
 * to this process again (conf -> atomically -> when-exit does `process.kill(process.pid, signal)`).
 * main() counts a second signal as "exit now, skip cleanup", so that echo turned every Ctrl-C into an
 * immediate exit that left temp files behind. Once an interrupt is being handled, a signal this
 * process sends itself is dropped; a second Ctrl-C from the user still arrives from outside.
 */
export function ignoreSelfSignalsAfterInterrupt(interrupted: () => boolean): void {
  const kill = process.kill.bind(process);
  process.kill = ((pid: number, signal?: string | number): true => {
    const self = pid === process.pid || pid === 0;
    if (
      self &&
      interrupted() &&
      (signal === 'SIGINT' || signal === 'SIGTERM' || signal === 'SIGHUP' || signal === 1 || signal === 2 || signal === 15)
    )
      return true;
    return kill(pid, signal);
  }) as typeof process.kill;
}
