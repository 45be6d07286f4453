import assert from 'node:assert/strict';
import { AuthThrottle } from '../../../../src/netconf/transport/auth-throttle.js';

function fakeClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('auth-throttle', function () {
  it('delays 1 s after a failure, doubling per consecutive failure from the address, capped', function () {
    const throttle = new AuthThrottle({ now: fakeClock().now });
    const delays = Array.from({ length: 8 }, () => throttle.recordFailure('alice', '192.0.2.1'));
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 16000, 16000, 16000]);
  });

  it('addresses are independent; user names do not drive the delay', function () {
    const throttle = new AuthThrottle({ now: fakeClock().now });
    throttle.recordFailure('alice', '192.0.2.1');
    throttle.recordFailure('alice', '192.0.2.1');
    assert.equal(throttle.recordFailure('alice', '192.0.2.2'), 1000);
    assert.equal(throttle.recordFailure('bob', '192.0.2.1'), 4000);
  });

  it('a success from the address starts the sequence again', function () {
    const throttle = new AuthThrottle({ now: fakeClock().now });
    throttle.recordFailure('alice', '192.0.2.1');
    throttle.recordFailure('alice', '192.0.2.1');
    throttle.recordSuccess('alice', '192.0.2.1');
    assert.equal(throttle.consecutiveFailures('192.0.2.1'), 0);
    assert.equal(throttle.recordFailure('alice', '192.0.2.1'), 1000);
  });

  it('a quiet period starts the sequence again', function () {
    const clock = fakeClock();
    const throttle = new AuthThrottle({ now: clock.now, resetAfterMs: 60_000 });
    throttle.recordFailure('alice', '192.0.2.1');
    throttle.recordFailure('alice', '192.0.2.1');
    clock.advance(59_999);
    assert.equal(throttle.consecutiveFailures('192.0.2.1'), 2);
    clock.advance(1);
    assert.equal(throttle.consecutiveFailures('192.0.2.1'), 0);
    assert.equal(throttle.recordFailure('alice', '192.0.2.1'), 1000);
  });

  it('honours custom base, factor and cap', function () {
    const throttle = new AuthThrottle({ now: fakeClock().now, baseDelayMs: 500, factor: 3, maxDelayMs: 5000 });
    assert.deepEqual([1, 2, 3, 4].map(() => throttle.recordFailure('u', 'a')), [500, 1500, 4500, 5000]);
    assert.equal(throttle.delayForConsecutive(0), 0);
    assert.throws(() => new AuthThrottle({ baseDelayMs: 10, maxDelayMs: 5 }), /maxDelayMs/);
    assert.throws(() => new AuthThrottle({ factor: 0.5 }), /factor/);
  });

  it('snapshot counts failures and successes per user and per address', function () {
    const clock = fakeClock(1000);
    const throttle = new AuthThrottle({ now: clock.now });
    throttle.recordFailure('alice', '192.0.2.1');
    clock.advance(10);
    throttle.recordFailure('mallory', '198.51.100.7');
    clock.advance(10);
    throttle.recordSuccess('alice', '192.0.2.1');
    const snap = throttle.snapshot();
    assert.equal(snap.at, 1020);
    assert.equal(snap.totalFailures, 2);
    assert.equal(snap.totalSuccesses, 1);
    assert.deepEqual(snap.users, [
      { username: 'alice', failures: 1, successes: 1, lastFailureAt: 1000, lastSuccessAt: 1020 },
      { username: 'mallory', failures: 1, successes: 0, lastFailureAt: 1010 },
    ]);
    assert.deepEqual(snap.addresses, [
      { address: '192.0.2.1', failures: 1, successes: 1, consecutiveFailures: 0, lastFailureAt: 1000, lastSuccessAt: 1020 },
      { address: '198.51.100.7', failures: 1, successes: 0, consecutiveFailures: 1, lastFailureAt: 1010 },
    ]);
    // A snapshot is a copy.
    snap.users[0]!.failures = 99;
    assert.equal(throttle.snapshot().users[0]?.failures, 1);
  });

  it('keeps its tables bounded, dropping the least recently updated entries; totals stay exact', function () {
    const throttle = new AuthThrottle({ now: fakeClock().now, maxEntries: 3 });
    for (const n of ['u1', 'u2', 'u3']) throttle.recordFailure(n, `a-${n}`);
    throttle.recordFailure('u1', 'a-u1'); // u1 becomes the most recent
    throttle.recordFailure('u4', 'a-u4'); // evicts u2
    const snap = throttle.snapshot();
    assert.deepEqual(snap.users.map((u) => u.username), ['u1', 'u3', 'u4']);
    assert.deepEqual(snap.addresses.map((a) => a.address), ['a-u1', 'a-u3', 'a-u4']);
    assert.equal(snap.totalFailures, 5);
  });
});
