import type { Compiled } from './compile.js';
import { EPS } from './cpm.js';
import { Fbi } from './fbi.js';
import { InfeasibleError, Sgs } from './sgs.js';

/** The search state shared by the construction phase and the GA: evaluation, budget, best. */
export class Search {
  readonly sgs: Sgs;
  readonly fbi: Fbi;
  readonly bestStart: Float64Array;
  readonly bestWorker: Int32Array;
  readonly bestHeld: Float64Array;
  readonly bestList: Int32Array;
  best = Infinity;
  bestMethod = '';
  /** The first pass that left an activity no place (only where capacity drops for good). */
  failure: InfeasibleError | undefined;
  /** Hash of the start times of the last evaluated schedule (duplicate detection). */
  lastHash = 0;
  private readonly start: Float64Array;
  private readonly worker: Int32Array;
  private readonly held: Float64Array;
  private checks = 0;
  private timeUp = false;

  readonly c: Compiled;
  readonly lowerBound: number;
  private readonly maxSchedules: number;
  private readonly deadline: number;
  private readonly now: () => number;

  constructor(
    c: Compiled,
    lowerBound: number,
    maxSchedules: number,
    deadline: number,
    now: () => number,
  ) {
    this.c = c;
    this.lowerBound = lowerBound;
    this.maxSchedules = maxSchedules;
    this.deadline = deadline;
    this.now = now;
    const n = c.n;
    this.sgs = new Sgs(c);
    this.fbi = new Fbi(c, this.sgs);
    this.bestStart = new Float64Array(n);
    this.bestWorker = new Int32Array(n).fill(-1);
    this.bestHeld = new Float64Array(n * c.R);
    this.bestList = new Int32Array(n);
    this.start = new Float64Array(n);
    this.worker = new Int32Array(n);
    this.held = new Float64Array(n * c.R);
  }

  get schedules(): number {
    return this.sgs.passes;
  }

  /** True when the optimum is proven (lower bound reached) or the budget is spent. */
  done(): boolean {
    if (this.best <= this.lowerBound + EPS) return true;
    if (this.sgs.passes >= this.maxSchedules) return true;
    if (this.timeUp) return true;
    // Small problems read the clock every 4th check; big ones (slow passes) every time.
    const every = this.c.n > 500 ? 0 : 3;
    if (
      this.deadline !== Infinity &&
      (++this.checks & every) === 0 &&
      this.now() >= this.deadline
    ) {
      this.timeUp = true;
    }
    return this.timeUp;
  }

  /** Records a schedule if it beats the best (strictly). */
  offer(
    list: Int32Array,
    start: Float64Array,
    worker: Int32Array,
    held: Float64Array,
    makespan: number,
    method: string,
  ): boolean {
    if (!(makespan < this.best)) return false;
    this.best = makespan;
    this.bestMethod = method;
    this.bestStart.set(start);
    this.bestWorker.set(worker);
    this.bestHeld.set(held);
    this.bestList.set(list);
    return true;
  }

  /**
   * Serial SGS of `list`, then FBI; `list` is replaced by the improved forward list.
   * Returns the makespan.
   */
  evaluate(
    list: Int32Array,
    method: string,
    fbiRounds = 4,
    fixedWorker: Int32Array | null = null,
  ): number {
    if (this.c.close !== null) return this.evaluateClosing(list, method, fbiRounds, fixedWorker);
    let m = this.sgs.serial(list, this.start, this.worker, this.held, false, 0, fixedWorker);
    if (fbiRounds > 0 && m > this.lowerBound + EPS) {
      m = this.fbi.improve(list, this.start, this.worker, this.held, m, fbiRounds, () =>
        this.done(),
      );
    }
    this.offer(list, this.start, this.worker, this.held, m, method);
    this.hashStarts();
    return m;
  }

  /**
   * `evaluate` where capacity drops for good (Compiled.close): a pass in an order that leaves some
   * activity no place fails (InfeasibleError), and the order counts as Infinity; the first such
   * failure is kept, to say why when no order succeeds. The schedule is offered before FBI,
   * whose passes may fail as well.
   */
  private evaluateClosing(
    list: Int32Array,
    method: string,
    fbiRounds: number,
    fixedWorker: Int32Array | null,
  ): number {
    let m: number;
    try {
      m = this.sgs.serial(list, this.start, this.worker, this.held, false, 0, fixedWorker);
    } catch (e) {
      if (!(e instanceof InfeasibleError)) throw e;
      this.failure ??= e;
      this.hashStarts();
      return Infinity;
    }
    this.offer(list, this.start, this.worker, this.held, m, method);
    if (fbiRounds > 0 && m > this.lowerBound + EPS) {
      const first = Int32Array.from(list);
      try {
        m = this.fbi.improve(list, this.start, this.worker, this.held, m, fbiRounds, () =>
          this.done(),
        );
        this.offer(list, this.start, this.worker, this.held, m, method);
      } catch (e) {
        // The order before FBI stands, with its schedule (offered above).
        if (!(e instanceof InfeasibleError)) throw e;
        list.set(first);
      }
    }
    this.hashStarts();
    return m;
  }

  /** Hashes the start times of the schedule just evaluated (duplicate detection). */
  private hashStarts(): void {
    let h = 0x811c9dc5;
    const st = this.start;
    for (let i = 0; i < st.length; i++) h = Math.imul(h ^ (st[i]! * 64 + i), 0x01000193);
    this.lastHash = h >>> 0;
  }
}
