/**
 * At most `limit` tasks at once, started in the order they asked (FIFO). A finishing task hands its
 * slot straight to the next one waiting. No task holds a slot while waiting for another slot, so a
 * graph copy that limits both manifest reads and blob transfers with one limiter cannot deadlock.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    this.limit = Math.max(1, Math.floor(limit) || 1);
  }

  /** Runs `task` once a slot is free; `onWait` is called when it has to wait for one. */
  async run<T>(task: () => Promise<T>, onWait?: () => void): Promise<T> {
    if (this.active < this.limit) this.active++;
    else {
      onWait?.();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.active--;
    }
  }
}
