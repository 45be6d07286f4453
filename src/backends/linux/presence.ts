// Presence sources: what tells the transaction engine that something it depends on appeared or
// disappeared outside vrouterd's own commits (an interface created by another program, a namespace
// removed with `ip netns del`, a Docker container that started). The Linux backend starts every
// source, tells it after each transaction which items the configuration holds (so it watches only
// what matters), and forwards its reports to the engine.
//
// Sources report triggers, not state: `appeared` may repeat, and `disappeared` carries a check the
// engine runs in its own queue, just before acting, so a late event about an object that has been
// re-created in the meantime changes nothing.

import type { Item } from '../../commit/item.js';

export interface PresenceEvents {
  /** `key` (an external presence key or an item key) is present in the backend now. */
  appeared(key: string): void;
  /** `key` seems gone; `stillGone` is run in the engine's queue to confirm. */
  disappeared(key: string, stillGone: () => Promise<boolean>): void;
  /** The source lost events (a watcher restarted): re-read the backend and repair. */
  resync(reason: string): void;
}

export interface PresenceSource {
  /** For logs: 'kernel', 'docker', … */
  readonly name: string;
  start(events: PresenceEvents): Promise<void>;
  /** The items of the configuration now (after every transaction); watch what they need. */
  watch(items: readonly Item[]): void;
  /** Stops every watcher; no event is reported after it resolves. */
  stop(): Promise<void>;
}
