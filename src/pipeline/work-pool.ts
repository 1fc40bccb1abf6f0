/** Runs queued tasks with at most `limit` in flight; `drain()` resolves when the queue is empty and all have finished. */
export class WorkPool {
  private active = 0;
  private readonly queue: Array<() => Promise<void>> = [];
  private idle: Array<() => void> = [];
  private closed = false;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.active + this.queue.length;
  }

  add(task: () => Promise<void>): void {
    if (this.closed) return;
    this.queue.push(task);
    this.next();
  }

  /** Stops starting queued tasks (shutdown); those already running finish. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.settle();
  }

  drain(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private next(): void {
    while (this.active < this.limit && this.queue.length > 0) {
      const task = this.queue.shift()!;
      this.active += 1;
      void task()
        .catch(() => undefined)
        .finally(() => {
          this.active -= 1;
          this.next();
          this.settle();
        });
    }
  }

  private settle(): void {
    if (this.size > 0) return;
    const waiting = this.idle;
    this.idle = [];
    waiting.forEach((resolve) => resolve());
  }
}
