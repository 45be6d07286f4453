// Start-up reconciliation from the transaction log. A transaction with a plan line and no outcome
// was interrupted by a crash: any of its creates and updates may be in the backend (the plan is on
// disk before anything runs, op lines may have been lost), and the configuration it applied never
// became running (running is saved only after the backends applied). After a restart the engine
// has no memory of what it created, so these keys are handed to the start-up resync as ownKeys:
// an object the interrupted commit created and running does not describe is deleted; one it
// deleted is re-created because running still has it. Deletes in the plan need nothing: either
// the object is still there (adopted, as running describes it) or it is re-created.
//
// A crash can also come after a transaction's outcome line but before running was saved (the
// commit pipeline saves running after every backend applied): that transaction is finished in
// the log, yet running does not describe what it created. So ownership is also read from the
// whole log: a key whose last successful operation is a create or an update is vrouterd's (op
// lines are flushed before the outcome line). Keys running describes are adopted anyway; the
// others are deleted by the start-up resync. What rotated out of the log is not claimed.
//
// Once that resync succeeded, settleInterrupted writes a `recovered` line per transaction, so the
// next start does not claim their keys again (a key may since have become someone else's).
import {
  interruptedTransactions, TransactionLogReader, type LoggedTransaction, type LogLine, type TransactionLogWriter,
} from './transaction-log.js';
import { nodeLogFileSystem, readLogFiles, type LogFileSystem } from './transaction-log-file.js';

export interface InterruptedWork {
  /** Transactions without outcome and not yet settled, oldest first. */
  readonly transactions: readonly LoggedTransaction[];
  /**
   * Give them to resync as ownKeys (sorted, unique): the keys the interrupted plans create or
   * update, and every key whose last successful operation in the log created or updated it.
   */
  readonly ownKeys: readonly string[];
  /** How many lines could not be read (a torn last line after a crash is normal). */
  readonly malformedLines: number;
}

/** Keys an interrupted transaction may have left in a backend as vrouterd's. */
export function keysToOwn(transactions: Iterable<LoggedTransaction>): string[] {
  const keys = new Set<string>();
  for (const t of transactions) {
    for (const op of t.plan.ops) if (op.op !== 'delete') keys.add(op.key);
  }
  return [...keys].sort();
}

/** Reads the log (previous file, then current) and returns what a crash left unfinished. */
export async function readInterruptedWork(path: string, fs: LogFileSystem = nodeLogFileSystem): Promise<InterruptedWork> {
  // Only unfinished transactions are kept while streaming: finished plans can be large.
  const reader = new TransactionLogReader({ onlyUnfinished: true });
  const owned = new Set<string>();
  for await (const raw of readLogFiles(path, fs)) {
    const line = reader.add(raw);
    if (line !== undefined) trackOwnership(owned, line);
  }
  const report = reader.report();
  const transactions = interruptedTransactions(report);
  const ownKeys = [...new Set([...keysToOwn(transactions), ...owned])].sort();
  return { transactions, ownKeys, malformedLines: report.malformedLines.length };
}

/** Applies one log line to the set of keys vrouterd's successful operations left in a backend. */
export function trackOwnership(owned: Set<string>, line: LogLine): void {
  if (line.type !== 'op' || line.result !== 'ok') return;
  // A revert line carries the undoing operation (a create undone is a delete), so one rule fits both phases.
  if (line.op === 'delete') owned.delete(line.key);
  else owned.add(line.key);
}

/** Marks the interrupted transactions settled by the resync `by` (call only after it succeeded). */
export async function settleInterrupted(writer: TransactionLogWriter, work: InterruptedWork, by?: string): Promise<void> {
  for (const t of work.transactions) await writer.recovered(t.id, by);
}
