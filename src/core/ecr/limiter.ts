/** ECR calls one registry may have in flight at once: ten registries list side by side, none floods its endpoint. */
export const MAX_IN_FLIGHT_PER_REGISTRY = 3;

/** Runs work with at most `max` at a time per key; the rest wait in order of arrival. */
export class KeyedLimiter {
  private readonly lanes = new Map<string, { running: number; waiting: Array<() => void> }>();

  constructor(private readonly max = MAX_IN_FLIGHT_PER_REGISTRY) {}

  /** How many run now under `key` (for tests and benches). */
  running(key: string): number {
    return this.lanes.get(key)?.running ?? 0;
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { running: 0, waiting: [] }));
    if (lane.running >= this.max) await new Promise<void>((resolve) => lane.waiting.push(resolve));
    else lane.running++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, so a newcomer cannot overtake it.
      const next = lane.waiting.shift();
      if (next) next();
      else if (--lane.running === 0) this.lanes.delete(key);
    }
  }
}
