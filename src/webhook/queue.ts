/**
 * The jobs of accepted pushes: a bounded queue, one job at a time per key (an image, or a git
 * repository), at most `concurrency` jobs at once over all keys, in arrival order otherwise.
 * `stop()` starts nothing more and hands back the jobs that never started; running jobs finish
 * (`idle()`), unless `abort()` tells them to give up.
 */
export interface JobQueueOptions<T> {
  /** Jobs waiting to start; a push beyond it is refused (the sender may retry). */
  maxPending: number;
  /** Jobs running at once (of different keys). */
  concurrency: number;
  /** Runs one job; its errors are its own business (a rejection is swallowed). */
  run: (value: T, signal: AbortSignal) => Promise<void>;
}

interface Entry<T> {
  key: string;
  value: T;
}

export class JobQueue<T> {
  private pending: Entry<T>[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly controller = new AbortController();
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: JobQueueOptions<T>) {}

  /** How many more jobs can wait. */
  room(): number {
    return this.stopped ? 0 : Math.max(0, this.options.maxPending - this.pending.length);
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Queues a job; false when the queue is full or stopped. */
  push(key: string, value: T): boolean {
    if (this.room() === 0) return false;
    this.pending.push({ key, value });
    this.pump();
    return true;
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.options.concurrency) {
      const i = this.pending.findIndex((e) => !this.running.has(e.key));
      if (i < 0) return;
      const [entry] = this.pending.splice(i, 1) as [Entry<T>];
      const done = Promise.resolve()
        .then(() => this.options.run(entry.value, this.controller.signal))
        .catch(() => undefined)
        .finally(() => {
          this.running.delete(entry.key);
          this.pump();
          if (this.running.size === 0 && (this.stopped || this.pending.length === 0)) this.wakeIdle();
        });
      this.running.set(entry.key, done);
    }
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Starts nothing more; returns the jobs that will never run. */
  stop(): T[] {
    this.stopped = true;
    const dropped = this.pending.map((e) => e.value);
    this.pending = [];
    if (this.running.size === 0) this.wakeIdle();
    return dropped;
  }

  /** Resolves when no job runs (and, unless stopped, none waits). */
  idle(): Promise<void> {
    if (this.running.size === 0 && (this.stopped || this.pending.length === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Tells running jobs to give up (their signal aborts). */
  abort(reason?: unknown): void {
    this.controller.abort(reason);
  }
}
