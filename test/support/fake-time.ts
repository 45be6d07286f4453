// Timers and a wall clock for tests of timer-driven logic (confirmed commit): they move only when
// the test says so, and due timers fire in order.
import type { Timers } from '../../src/datastore/confirmed-commit.js';

/** Timers and a wall clock that move only when the test says so. */
export class FakeTime implements Timers {
  constructor(public now: number = Date.UTC(2026, 10, 22, 10, 0, 0)) {}

  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.now + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get armed(): number {
    return this.timers.size;
  }

  /** Moves the clock forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.now = next[1].at;
      next[1].fn();
    }
    this.now = end;
  }
}
