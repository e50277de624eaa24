/**
 * What `npm run bench:scale` measures and how it prints it: the commands timed on each generated
 * task file, the targets of issue 17 and the printed lines. Pure (no IO), so a test can check the
 * README's benchmark table against the same structure.
 */

/** A command the benchmark times, as a user types it (the task file comes last). */
export interface ScaleCommand {
  /** Short name for `--commands`. */
  readonly key: string;
  /** How the row names it: the CLI arguments before the file. */
  readonly label: string;
  readonly args: readonly string[];
}

export const SCALE_COMMANDS: readonly ScaleCommand[] = [
  { key: 'validate', label: 'validate', args: ['validate'] },
  { key: 'cpm', label: 'plan', args: ['plan'] },
  { key: 'team-json', label: 'plan --team 3 --json', args: ['plan', '--team', '3', '--json'] },
  { key: 'team-table', label: 'plan --team 3', args: ['plan', '--team', '3'] },
  { key: 'status', label: 'status', args: ['status'] },
];

export const SCALE_FORMATS = ['yaml', 'json'] as const;
export type ScaleFormat = (typeof SCALE_FORMATS)[number];

/** Sizes by name: `10k`, `100k`, `1M`. */
export const SCALE_SIZES: readonly { readonly name: string; readonly n: number }[] = [
  { name: '10k', n: 10_000 },
  { name: '100k', n: 100_000 },
  { name: '1M', n: 1_000_000 },
];

/** Targets: at 100k every command; at 1M the critical path; growth from 10k to 100k. */
export const TARGETS = {
  wallS100k: 5,
  rssMiB100k: 1024,
  cpmWallS1M: 5,
  growth: 12,
} as const;

/** One timed run of the built CLI. */
export interface ScaleRun {
  readonly size: string;
  readonly format: ScaleFormat;
  readonly command: ScaleCommand;
  readonly wallS: number;
  readonly rssMiB: number;
  readonly exitCode: number;
}

/** The target a run is held to, as printed, and whether it meets it; undefined: none. */
export function verdict(run: ScaleRun): string {
  if (run.exitCode !== 0) return `FAILED (exit ${run.exitCode})`;
  if (run.size === '100k') {
    const ok = run.wallS <= TARGETS.wallS100k && run.rssMiB <= TARGETS.rssMiB100k;
    return `${ok ? 'ok' : 'MISSED'} (≤ ${TARGETS.wallS100k} s, ≤ 1 GiB)`;
  }
  if (run.size === '1M' && run.command.key === 'cpm') {
    return `${run.wallS <= TARGETS.cpmWallS1M ? 'ok' : 'MISSED'} (≤ ${TARGETS.cpmWallS1M} s)`;
  }
  return '';
}

const COLUMNS = ['size', 'file', 'command', 'wall', 'peak RSS', 'target'] as const;
const WIDTHS = [5, 5, 21, 8, 9] as const;

function line(cells: readonly string[]): string {
  return cells
    .map((c, i) => (i < WIDTHS.length ? c.padEnd(WIDTHS[i]!) : c))
    .join('  ')
    .trimEnd();
}

export function headerLine(): string {
  return line(COLUMNS);
}

export function runLine(run: ScaleRun): string {
  return line([
    run.size,
    run.format,
    run.command.label,
    `${run.wallS.toFixed(2)} s`,
    `${Math.round(run.rssMiB)} MiB`,
    verdict(run),
  ]);
}

/** `growth 10k → 100k  yaml  plan --team 3  9.8×  ok (≤ 12×)`, or undefined without both runs. */
export function growthLine(
  runs: readonly ScaleRun[],
  format: ScaleFormat,
  command: ScaleCommand,
): string | undefined {
  const find = (size: string): ScaleRun | undefined =>
    runs.find((r) => r.size === size && r.format === format && r.command.key === command.key);
  const small = find('10k');
  const big = find('100k');
  if (small === undefined || big === undefined) return undefined;
  const g = big.wallS / small.wallS;
  return line([
    'growth',
    format,
    command.label,
    `${g.toFixed(1)}×`,
    '10k→100k',
    `${g <= TARGETS.growth ? 'ok' : 'MISSED'} (≤ ${TARGETS.growth}×)`,
  ]);
}

/**
 * The entries of `all` named in a comma-separated `spec` (all of them without one), in `all`'s
 * order; a string names an unknown entry.
 */
export function pick<T>(
  spec: string | undefined,
  all: readonly T[],
  name: (t: T) => string,
  what: string,
): readonly T[] | string {
  if (spec === undefined) return all;
  const names = spec.split(',').map((s) => s.trim());
  const bad = names.find((s) => !all.some((t) => name(t) === s));
  if (bad !== undefined) return `unknown ${what} "${bad}" (${what}s: ${all.map(name).join(', ')})`;
  return all.filter((t) => names.includes(name(t)));
}

/** A printed run row read back (the README quotes them): its figures as printed, or undefined. */
export function parseRunLine(text: string): (ScaleRun & { readonly target: string }) | undefined {
  const m = /^(\S+)\s+(yaml|json)\s+(\S.*?)\s+(\d+\.\d\d) s\s+(\d+) MiB\s*(.*)$/.exec(text);
  if (m === null) return undefined;
  const command = SCALE_COMMANDS.find((c) => c.label === m[3]);
  if (command === undefined) return undefined;
  const failed = /^FAILED \(exit (-?\d+)\)$/.exec(m[6]!);
  return {
    size: m[1]!,
    format: m[2] as ScaleFormat,
    command,
    wallS: Number(m[4]),
    rssMiB: Number(m[5]),
    exitCode: failed === null ? 0 : Number(failed[1]),
    target: m[6]!,
  };
}
