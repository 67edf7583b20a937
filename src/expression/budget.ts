/**
 * The run-time budget of one evaluation. Each evaluation may allocate at most {@link MAX_CELLS} cells and
 * perform at most {@link MAX_OPERATIONS} operations; past either it raises (`MemoryError`, `TimeoutError`)
 * instead of wedging the worker. Both are counted, never timed: the workflow replays expressions, and a
 * wall-clock limit could fail an evaluation on replay that succeeded the first time.
 *
 * - A **cell** is one list or tuple item, one dict entry, one string character, one 64-bit word of an int
 *   (a scalar counts 1). A new value is charged what it holds; repetition (`x * n`) is charged its
 *   *flattened* size, n times the full nested size of `x`, because the shared structure it builds is
 *   expanded again by `str()`, comparisons and the JSON the context stores.
 * - An **operation** is one item or character visited by a walk (comparison, `in`, `str()`, `sorted`,
 *   `min`/`max`/`sum`, the JSON conversion of the result); int arithmetic beyond 2^53 costs 16 per 64-bit
 *   word of its operands (measuring an int walks its digits) plus one per word product of `* // % **`.
 *
 * Pure module: the workflow sandbox imports it.
 */
import { PythonError } from './errors';

/** Cells one evaluation may allocate (items, characters, int words), counting nested values it creates. */
export const MAX_CELLS = 10_000_000;
/** Operations one evaluation may perform (items and characters visited, int word products). */
export const MAX_OPERATIONS = 10_000_000;

/** The limits of one evaluation's run-time budget; tests and tools may lower them. */
export interface BudgetLimits {
  /** Cells one evaluation may allocate (default {@link MAX_CELLS}). */
  readonly cells: number;
  /** Operations one evaluation may perform (default {@link MAX_OPERATIONS}). */
  readonly operations: number;
}

/** The documented default limits. */
export const DEFAULT_LIMITS: BudgetLimits = { cells: MAX_CELLS, operations: MAX_OPERATIONS };

/** `10000000` → `10,000,000` (no `toLocaleString`: its output depends on the host's locale data). */
const format = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** What one evaluation has spent so far; raises once it spends more than its limits. */
export class Budget {
  private cells = 0;
  private operations = 0;
  /** Flattened sizes of containers already measured in this evaluation (values are never mutated). */
  private sizes?: WeakMap<object, number>;

  constructor(readonly limits: BudgetLimits = DEFAULT_LIMITS) {}

  /** Charges `n` cells of allocation; `MemoryError` past the limit (checked before allocating). */
  allocate(n: number): void {
    this.cells += n;
    if (!(this.cells <= this.limits.cells)) {
      // `!(<=)`: a NaN charge (from an infinite repetition count) is over the budget too.
      throw new PythonError(
        'MemoryError',
        `expression exceeds the budget of ${format(this.limits.cells)} cells`,
      );
    }
  }

  /** Charges `n` operations; `TimeoutError` past the limit. */
  work(n: number): void {
    this.operations += n;
    if (!(this.operations <= this.limits.operations)) {
      throw new PythonError(
        'TimeoutError',
        `expression exceeds the budget of ${format(this.limits.operations)} operations`,
      );
    }
  }

  /** The flattened size recorded for a container in this evaluation (see `flatSize` in `values.ts`). */
  knownSize(v: object): number | undefined {
    return this.sizes?.get(v);
  }

  /** Records a container's flattened size: values are never mutated during an evaluation. */
  recordSize(v: object, size: number): void {
    (this.sizes ??= new WeakMap()).set(v, size);
  }
}

/** The 64-bit words a bigint occupies (≥ 1). */
export function intWords(x: bigint): number {
  return Math.max(1, Math.ceil(intBits(x) / 64));
}

/** The bit length of |x|: from a float below 2^1000 (corrected by a shift), else from the hex digits. */
export function intBits(x: bigint): number {
  const ax = x < 0n ? -x : x;
  const f = Number(ax);
  if (f >= 2 ** 1000) {
    const hex = ax.toString(16);
    return hex.length * 4 - 4 + Math.floor(Math.log2(parseInt(hex[0], 16))) + 1;
  }
  if (f < 1) return 0;
  let bits = Math.floor(Math.log2(f)) + 1;
  // The float may have rounded up to the next power of two, or log2 down: settle it exactly.
  if (ax >> BigInt(bits - 1) === 0n) bits--;
  else if (ax >> BigInt(bits) !== 0n) bits++;
  return bits;
}
