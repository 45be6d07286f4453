// The Linux backend as a commit applier: the candidate about to become running is translated
// (translate.ts) into Linux items and handed, whole, to the transaction engine, which works out
// the difference with what it has applied and drives the kernel (descriptors.ts).
//
//   - problems found by the translation (something the YANG model accepts but Linux cannot do)
//     refuse the commit before the kernel is touched: invalid-value, error-path = the YANG node;
//   - a kernel refusal fails the commit; the engine has already reverted the operations it did,
//     and the error names the YANG node behind the failing item with the kernel's own words.
//
// The errors thrown are ApplierError-shaped (commit.ts): the pipeline keeps their path and tag,
// and datastoreRpcError turns the RFC 7951 path into the XML error-path.
//
// A revert by the pipeline (another applier after this one failed, or running could not be
// saved) calls apply again with before/after swapped: the engine is declarative, so committing
// the translation of the old tree brings the kernel back.
import type { Logger } from 'pino';
import type { TransactionEngine } from '../../commit/engine.js';
import type { ApplyContext, CommitApplier } from '../../datastore/commit.js';
import type { ErrorTag } from '../../datastore/decode-error.js';
import { itemPath, translateLinux, type TranslateResult } from './translate.js';

/** A failed Linux apply: the YANG node behind it and the error-tag for the rpc-error. */
export class LinuxApplyError extends Error {
  override readonly name = 'LinuxApplyError';
  constructor(message: string, readonly tag: ErrorTag, readonly path?: string) {
    super(message);
  }
}

export interface LinuxApplierOptions {
  /** The transaction engine with the Linux descriptors registered (only commit is used). */
  engine: Pick<TransactionEngine, 'commit'>;
  /** Before every apply (the backend's start-up resync, when it has not run yet). */
  prepare?: (context: ApplyContext) => Promise<void>;
  /** After the engine applied a translation (commit, or the pipeline's revert of one). */
  onApplied?: (result: TranslateResult) => void;
  logger?: Logger;
}

export class LinuxApplier implements CommitApplier {
  readonly name = 'linux';

  constructor(private readonly options: LinuxApplierOptions) {}

  async apply(context: ApplyContext): Promise<void> {
    await this.options.prepare?.(context);
    const log = this.options.logger?.child({ tx: context.transactionId, backend: 'linux' });
    const result = translateLinux(context.after);
    const [problem, ...more] = result.problems;
    if (problem !== undefined) {
      const extra = more.length === 0 ? '' : ` (and ${more.length} more: ${more.map((p) => `${p.path}: ${p.message}`).join('; ')})`;
      throw new LinuxApplyError(`${problem.message}${extra}`, 'invalid-value', problem.path);
    }
    const outcome = await this.options.engine.commit(result.items);
    if (outcome.ok) {
      this.options.onApplied?.(result);
      log?.info({ engineTx: outcome.transactionId, items: result.items.length, ops: outcome.plan?.ops.length ?? 0 }, 'linux configuration applied');
      return;
    }
    const error = outcome.error;
    const key = error?.key;
    const path = key === undefined ? undefined : itemPath(result, key);
    const reverts = error?.revertFailures ?? [];
    let message = error === undefined ? 'the transaction failed' : `${key === undefined ? '' : `${error.op} ${key}: `}${error.message}`;
    if (reverts.length > 0) {
      message += `; undoing the operations already done failed too: ${reverts.map((f) => `${f.key}: ${f.message}`).join('; ')}`;
    }
    log?.warn({ engineTx: outcome.transactionId, key, path, err: error?.message }, 'linux configuration refused');
    throw new LinuxApplyError(message, reverts.length > 0 ? 'rollback-failed' : 'operation-failed', path);
  }
}
