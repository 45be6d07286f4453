// Failed-login bookkeeping: how long to hold back the answer to a failed attempt, and the counters
// that ietf-netconf-monitoring / agent state will show. Pure: the clock is injected, no timers.
//
// The delay grows per consecutive failure from one source address (base, base*factor, ...,
// capped at maxDelayMs). A success from that address, or a quiet period of resetAfterMs since its
// last failure, starts the sequence again. Counters are kept per user name and per address; both
// tables are bounded (least recently updated entries go first) because both keys are chosen by
// whoever connects.

export interface AuthThrottleOptions {
  /** Milliseconds since the epoch; default Date.now. */
  now?: () => number;
  /** Delay after the first failure; default 1000 ms. */
  baseDelayMs?: number;
  /** Growth per further consecutive failure; default 2. */
  factor?: number;
  /** Cap on the delay; default 16000 ms. */
  maxDelayMs?: number;
  /** A quiet period after which an address's consecutive count restarts; default 15 minutes. */
  resetAfterMs?: number;
  /** Bound on each of the per-user and per-address tables; default 10000. */
  maxEntries?: number;
}

export interface UserAuthCounters {
  username: string;
  failures: number;
  successes: number;
  /** Epoch ms of the last failure, if any. */
  lastFailureAt?: number;
  lastSuccessAt?: number;
}

export interface AddressAuthCounters {
  address: string;
  failures: number;
  successes: number;
  /** Failures since the last success (or quiet period): drives the delay. */
  consecutiveFailures: number;
  lastFailureAt?: number;
  lastSuccessAt?: number;
}

export interface AuthThrottleSnapshot {
  /** When the snapshot was taken (epoch ms). */
  at: number;
  totalFailures: number;
  totalSuccesses: number;
  users: UserAuthCounters[];
  addresses: AddressAuthCounters[];
}

/** Moves `key` to the most-recent end of an insertion-ordered map and evicts beyond `max`. */
function touch<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}

export class AuthThrottle {
  private readonly now: () => number;
  private readonly baseDelayMs: number;
  private readonly factor: number;
  private readonly maxDelayMs: number;
  private readonly resetAfterMs: number;
  private readonly maxEntries: number;
  private readonly users = new Map<string, UserAuthCounters>();
  private readonly addresses = new Map<string, AddressAuthCounters>();
  private totalFailures = 0;
  private totalSuccesses = 0;

  constructor(options: AuthThrottleOptions = {}) {
    this.now = options.now ?? Date.now;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.factor = options.factor ?? 2;
    this.maxDelayMs = options.maxDelayMs ?? 16_000;
    this.resetAfterMs = options.resetAfterMs ?? 15 * 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    if (!(this.baseDelayMs >= 0) || !(this.factor >= 1) || !(this.maxDelayMs >= this.baseDelayMs)) {
      throw new Error('auth throttle: need baseDelayMs >= 0, factor >= 1, maxDelayMs >= baseDelayMs');
    }
    if (!(this.maxEntries >= 1)) throw new Error('auth throttle: maxEntries must be at least 1');
  }

  /** The delay the given consecutive-failure count earns (1 → base). */
  delayForConsecutive(consecutive: number): number {
    if (consecutive <= 0) return 0;
    return Math.min(this.maxDelayMs, this.baseDelayMs * this.factor ** (consecutive - 1));
  }

  /** Consecutive failures of `address` that still count at this moment. */
  consecutiveFailures(address: string): number {
    const entry = this.addresses.get(address);
    if (!entry || entry.lastFailureAt === undefined) return 0;
    return this.now() - entry.lastFailureAt >= this.resetAfterMs ? 0 : entry.consecutiveFailures;
  }

  /** Records a failed login and returns how long (ms) to hold back the answer. */
  recordFailure(username: string, address: string): number {
    const at = this.now();
    const consecutive = this.consecutiveFailures(address) + 1;
    const addr = this.addresses.get(address) ?? { address, failures: 0, successes: 0, consecutiveFailures: 0 };
    addr.failures++;
    addr.consecutiveFailures = consecutive;
    addr.lastFailureAt = at;
    touch(this.addresses, address, addr, this.maxEntries);
    const user = this.users.get(username) ?? { username, failures: 0, successes: 0 };
    user.failures++;
    user.lastFailureAt = at;
    touch(this.users, username, user, this.maxEntries);
    this.totalFailures++;
    return this.delayForConsecutive(consecutive);
  }

  /** Records a successful login: the address's consecutive count starts again. */
  recordSuccess(username: string, address: string): void {
    const at = this.now();
    const addr = this.addresses.get(address) ?? { address, failures: 0, successes: 0, consecutiveFailures: 0 };
    addr.successes++;
    addr.consecutiveFailures = 0;
    addr.lastSuccessAt = at;
    touch(this.addresses, address, addr, this.maxEntries);
    const user = this.users.get(username) ?? { username, failures: 0, successes: 0 };
    user.successes++;
    user.lastSuccessAt = at;
    touch(this.users, username, user, this.maxEntries);
    this.totalSuccesses++;
  }

  /** A copy of all counters (consecutive counts as they stand now), sorted by name / address. */
  snapshot(): AuthThrottleSnapshot {
    const users = [...this.users.values()].map((u) => ({ ...u })).sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
    const addresses = [...this.addresses.values()]
      .map((a) => ({ ...a, consecutiveFailures: this.consecutiveFailures(a.address) }))
      .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    return { at: this.now(), totalFailures: this.totalFailures, totalSuccesses: this.totalSuccesses, users, addresses };
  }
}
