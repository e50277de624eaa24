/**
 * A mixed-integer linear program as the exact method hands it to a solver, and the solver's
 * interface. The planner core builds the model and reads the answer; the solver itself (HiGHS
 * compiled to WebAssembly, loaded asynchronously) is injected from src/app, the way the
 * executor is.
 */

/** min colCost·x subject to rowLower ≤ A x ≤ rowUpper, colLower ≤ x ≤ colUpper. */
export interface MipModel {
  readonly numCols: number;
  readonly numRows: number;
  readonly colCost: Float64Array;
  readonly colLower: Float64Array;
  readonly colUpper: Float64Array;
  /** 1 for an integer column, 0 for a continuous one. */
  readonly integrality: Int32Array;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  /** A by rows: row i has columns index[start[i]..start[i+1]) with coefficients value[…]. */
  readonly start: Int32Array;
  readonly index: Int32Array;
  readonly value: Float64Array;
}

export interface MipLimits {
  /**
   * Branch-and-bound nodes at most: the work budget. A solve that stops here gives the same
   * answer on every machine.
   */
  readonly maxNodes: number;
  /** Wall-clock guard in seconds, for a run that the node budget alone would let run long. */
  readonly maxSeconds: number;
  /** A feasible solution to start from (the incumbent), or none. */
  readonly start?: Float64Array;
}

export interface MipAnswer {
  /**
   * 'optimal': `solution` is optimal; 'infeasible': no solution exists; 'limit': a limit
   * stopped the search (`solution` is the best found, if any); 'error': the solver failed.
   */
  readonly status: 'optimal' | 'infeasible' | 'limit' | 'error';
  readonly solution: Float64Array | undefined;
  /** No solution has a smaller objective (−Infinity when nothing is known). */
  readonly dualBound: number;
  /** Branch-and-bound nodes explored. */
  readonly nodes: number;
  /** True when the wall-clock guard, rather than the node budget, stopped the search. */
  readonly timedOut: boolean;
}

/** Solves a MipModel (minimisation). Synchronous: the loading, if any, happened before. */
export interface MipSolver {
  readonly name: string;
  solve(model: MipModel, limits: MipLimits): MipAnswer;
}

/** Builds a MipModel row by row. */
export class MipBuilder {
  private readonly cost: number[] = [];
  private readonly lower: number[] = [];
  private readonly upper: number[] = [];
  private readonly integer: number[] = [];
  private readonly rLower: number[] = [];
  private readonly rUpper: number[] = [];
  private readonly starts: number[] = [0];
  private readonly idx: number[] = [];
  private readonly val: number[] = [];

  get numCols(): number {
    return this.cost.length;
  }

  get numRows(): number {
    return this.rLower.length;
  }

  /** Adds a column and returns its index. */
  col(lower: number, upper: number, cost: number, integer: boolean): number {
    this.cost.push(cost);
    this.lower.push(lower);
    this.upper.push(upper);
    this.integer.push(integer ? 1 : 0);
    return this.cost.length - 1;
  }

  /** Adds lower ≤ Σ coef[k]·x[cols[k]] ≤ upper (columns distinct). */
  row(cols: readonly number[], coefs: readonly number[], lower: number, upper: number): void {
    for (let k = 0; k < cols.length; k++) {
      if (coefs[k] === 0) continue;
      this.idx.push(cols[k]!);
      this.val.push(coefs[k]!);
    }
    this.starts.push(this.idx.length);
    this.rLower.push(lower);
    this.rUpper.push(upper);
  }

  build(): MipModel {
    return {
      numCols: this.cost.length,
      numRows: this.rLower.length,
      colCost: Float64Array.from(this.cost),
      colLower: Float64Array.from(this.lower),
      colUpper: Float64Array.from(this.upper),
      integrality: Int32Array.from(this.integer),
      rowLower: Float64Array.from(this.rLower),
      rowUpper: Float64Array.from(this.rUpper),
      start: Int32Array.from(this.starts),
      index: Int32Array.from(this.idx),
      value: Float64Array.from(this.val),
    };
  }
}
