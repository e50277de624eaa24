import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Highs, InitOptions } from 'highs';
import highsModule from 'highs';
import type {
  ExactOptions,
  MipAnswer,
  MipLimits,
  MipModel,
  MipSolver,
} from '../planner/exact/index.js';
import { DEFAULT_EXACT_NODES, EXACT_MAX_N } from '../planner/exact/index.js';

/**
 * The exact method's MIP solver: HiGHS compiled to WebAssembly (the npm package `highs`),
 * loaded once per process. Single-threaded and deterministic: a solve that ends on the node
 * budget or by proof gives the same answer on every machine; only the wall-clock guard can
 * stop it at a machine-dependent point (reported as `timedOut`).
 */

type Loader = (options?: InitOptions) => Promise<Highs>;
// The package's types describe its CommonJS build; the ESM build's default export is the loader.
const highsLoader = ((highsModule as unknown as { default?: Loader }).default ??
  highsModule) as unknown as Loader;

let loading: Promise<Highs | undefined> | undefined;

/** Where highs.wasm is: beside this module (the bundle in dist/), else in node_modules. */
function wasmPath(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, 'highs.wasm');
  if (existsSync(beside)) return beside;
  try {
    return createRequire(import.meta.url).resolve('highs/runtime');
  } catch {
    return undefined;
  }
}

/** The HiGHS solver, or undefined when its WebAssembly module cannot be found or loaded. */
export async function loadHighsSolver(): Promise<MipSolver | undefined> {
  loading ??= (async () => {
    const path = wasmPath();
    if (path === undefined) return undefined;
    try {
      return await highsLoader({ locateFile: () => path });
    } catch {
      return undefined;
    }
  })();
  const highs = await loading;
  return highs === undefined ? undefined : highsSolver(highs);
}

function highsSolver(highs: Highs): MipSolver {
  const st = highs.constants.modelStatus;
  return {
    name: 'HiGHS',
    solve(m: MipModel, limits: MipLimits): MipAnswer {
      const model = highs.createModel();
      try {
        model.options.set({
          output_flag: process.env.HIGHS_LOG === '1',
          log_to_console: process.env.HIGHS_LOG === '1',
          random_seed: 0,
          mip_max_nodes: Math.max(1, Math.floor(limits.maxNodes)),
          time_limit: Math.max(0.001, limits.maxSeconds),
          mip_rel_gap: 0,
          // The objective (the makespan in units) is an integer.
          mip_abs_gap: 1 - 1e-6,
        });
        model.passModel({
          numCols: m.numCols,
          numRows: m.numRows,
          colCost: m.colCost,
          colLower: m.colLower,
          colUpper: m.colUpper,
          rowLower: m.rowLower,
          rowUpper: m.rowUpper,
          integrality: m.integrality as unknown as Int32Array,
          matrix: {
            format: 'csr',
            numRows: m.numRows,
            numCols: m.numCols,
            starts: m.start,
            indices: m.index,
            values: m.value,
          },
        } as Parameters<typeof model.passModel>[0]);
        if (limits.start !== undefined) model.setSolution({ colValue: limits.start });
        const run = model.run();
        const code = run.modelStatus;
        const nodes = Number(model.info.get('mip_node_count'));
        const dual = Number(model.info.get('mip_dual_bound'));
        const hasPrimal = Number(model.info.get('primal_solution_status')) === 2;
        const solution = hasPrimal ? Float64Array.from(model.getSolution().colValue) : undefined;
        const status: MipAnswer['status'] =
          code === st.optimal
            ? 'optimal'
            : code === st.infeasible
              ? 'infeasible'
              : code === st.timeLimit ||
                  code === st.iterationLimit ||
                  code === st.solutionLimit ||
                  code === st.interrupted
                ? 'limit'
                : 'error';
        return {
          status,
          solution,
          dualBound: Number.isFinite(dual) ? dual : -Infinity,
          nodes,
          timedOut: code === st.timeLimit,
        };
      } finally {
        model.dispose();
      }
    },
  };
}

/**
 * The exact stage's wall-clock guard for project plans when `--time-limit` is shorter. The node
 * budget is what ends the stage (the same point on every machine, so plans stay byte-identical);
 * the guard only stops a solve that the budget would let run for minutes on a very slow machine.
 */
export const EXACT_GUARD_MS = 60_000;

/**
 * The exact method's options for a command: HiGHS with the default node budget and a wall-clock
 * guard of `guardMs`; undefined when HiGHS cannot be loaded (plans
 * then keep the heuristic's bound) or `activities` (when known) is above the largest problem the
 * method takes.
 */
export async function exactOptions(
  guardMs: number,
  activities = 0,
): Promise<ExactOptions | undefined> {
  // Loading the WebAssembly module costs a few hundred ms: not for projects the method skips.
  if (activities > EXACT_MAX_N) return undefined;
  const solver = await loadHighsSolver();
  return solver === undefined
    ? undefined
    : { solver, maxNodes: DEFAULT_EXACT_NODES, maxMs: Math.max(1, guardMs) };
}
