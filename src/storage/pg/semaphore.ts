/** At most `limit` holders at once; the others wait in arrival order. */
export class Semaphore {
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new Error('Semaphore: limit must be at least 1');
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.held < this.limit) this.held++;
    else await new Promise<void>((r) => this.waiting.push(r)); // the releaser hands its slot over
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.held--;
    }
  }
}
