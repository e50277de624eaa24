import { execFile } from 'node:child_process';
import type { ExecFileException } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** One GPU the executor can hand out. */
export interface Gpu {
  /** The index nvidia-smi reports (PCI bus order), or the slot number of a simulated GPU. */
  readonly index: number;
  /** `GPU-…` (or `MIG-…`) from nvidia-smi; `SIM-<index>` for a simulated slot. */
  readonly uuid: string;
  /** PCI bus id as nvidia-smi prints it (`00000000:01:00.0`); empty for a simulated slot. */
  readonly busId: string;
  /** True for a slot made up by `--gpus N`, with no hardware behind it. */
  readonly simulated: boolean;
}

/** What `--gpus` asked for: nothing, a count of simulated slots, or a list of physical indices. */
export type GpuOverride =
  | { readonly kind: 'none' }
  | { readonly kind: 'count'; readonly count: number }
  | { readonly kind: 'list'; readonly indices: readonly number[] };

/**
 * The most GPUs one host can have, and so the most `--gpus` may name: a host has a few dozen at
 * most, so this is generous, and keeps a mistyped count from making millions of slots.
 */
export const MAX_GPUS = 1024;

/** Parses `--gpus`: `4` means four simulated slots, `0,1,2,3` (or `0,`) a list of indices. */
export function parseGpuOption(
  text: string | undefined,
): GpuOverride | { readonly kind: 'error'; readonly message: string } {
  if (text === undefined) return { kind: 'none' };
  const t = text.trim();
  const tooMany = {
    kind: 'error',
    message: `--gpus names at most ${MAX_GPUS} GPUs (a count up to ${MAX_GPUS}, indices 0 to ${MAX_GPUS - 1}), got "${text}"`,
  } as const;
  if (/^\d+$/.test(t)) return Number(t) > MAX_GPUS ? tooMany : { kind: 'count', count: Number(t) };
  const parts = t.split(',').filter((p) => p.trim() !== '');
  if (parts.length === 0 || !parts.every((p) => /^\s*\d+\s*$/.test(p))) {
    return {
      kind: 'error',
      message: `expected --gpus as a count (4) or a list of indices (0,1,2,3), got "${text}"`,
    };
  }
  const given = parts.map((p) => Number(p));
  if (given.some((g) => g >= MAX_GPUS)) return tooMany;
  const twice = given.find((g, k) => given.indexOf(g) !== k);
  if (twice !== undefined)
    return { kind: 'error', message: `--gpus names GPU ${twice} twice, in "${text}"` };
  return { kind: 'list', indices: [...given].sort((a, b) => a - b) };
}

/**
 * Parses `nvidia-smi --query-gpu=index,uuid,pci.bus_id --format=csv` (with or without the header).
 * Returns the GPUs in index order, or a message naming the first line it could not read.
 */
export function parseGpuCsv(
  text: string,
): { ok: true; gpus: Gpu[] } | { ok: false; message: string } {
  const gpus: Gpu[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || /^index\s*,/i.test(line)) continue;
    const cols = line.split(',').map((c) => c.trim());
    const [idx, uuid, bus] = cols;
    if (
      cols.length < 3 ||
      idx === undefined ||
      !/^\d+$/.test(idx) ||
      uuid === undefined ||
      bus === undefined
    ) {
      return { ok: false, message: `cannot read nvidia-smi line "${line}"` };
    }
    const twice = gpus.find((g) => g.index === Number(idx) || g.uuid === uuid);
    // Two GPUs in one slot, or one GPU in two: whatever it hands out, two commands share a GPU.
    if (twice !== undefined)
      return {
        ok: false,
        message: `nvidia-smi lists ${twice.uuid === uuid ? `GPU ${uuid}` : `GPU index ${idx}`} twice ("${line}"); its GPUs are not used`,
      };
    gpus.push({ index: Number(idx), uuid, busId: bus, simulated: false });
  }
  gpus.sort((a, b) => a.index - b.index);
  return { ok: true, gpus };
}

/** Normalizes a PCI bus id for comparison: lower case, 8-digit domain (`0000:01:00.0` → `00000000:01:00.0`). */
export function normalizeBusId(busId: string): string {
  const m = /^(?:([0-9a-f]+):)?([0-9a-f]+):([0-9a-f]+)\.([0-9a-f]+)$/i.exec(busId.trim());
  if (m === null) return busId.trim().toLowerCase();
  const [, dom = '0', bus = '0', dev = '0', fn = '0'] = m;
  return `${dom.padStart(8, '0')}:${bus.padStart(2, '0')}:${dev.padStart(2, '0')}.${fn}`.toLowerCase();
}

/**
 * Checks that nvidia-smi's index order is PCI bus order, which is what `CUDA_DEVICE_ORDER=PCI_BUS_ID`
 * gives CUDA. Returns a warning when they disagree, or undefined.
 */
export function checkPciOrder(gpus: readonly Gpu[]): string | undefined {
  const real = gpus.filter((g) => !g.simulated && g.busId !== '');
  const byBus = [...real].sort((a, b) =>
    normalizeBusId(a.busId) < normalizeBusId(b.busId) ? -1 : 1,
  );
  const mismatch = real.some((g, i) => byBus[i]?.index !== g.index);
  if (!mismatch) return undefined;
  const show = (l: readonly Gpu[]): string => l.map((g) => `${g.index}@${g.busId}`).join(' ');
  return `nvidia-smi's GPU order (${show(real)}) is not PCI bus order (${show(byBus)}); CUDA_VISIBLE_DEVICES indices may name other GPUs than intended`;
}

/** Simulated slots 0…count-1, for `--gpus N` on machines without GPUs. */
export function simulatedGpus(indices: readonly number[]): Gpu[] {
  return indices.map((index) => ({ index, uuid: `SIM-${index}`, busId: '', simulated: true }));
}

/**
 * False when running `file` would surely fail for want of it: a path naming nothing, or a name
 * found in no directory of PATH. Spawning costs a fork of this process (tens of milliseconds for
 * `status` on a large project, and nvidia-smi is absent from most machines it runs on); true
 * whenever it cannot tell (no PATH: the spawn's own default search decides).
 */
export function mayExist(file: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (file.includes('/')) return existsSync(file);
  const path = env['PATH'];
  if (path === undefined) return true;
  // An empty entry is the working directory, as for the shell.
  return path.split(delimiter).some((dir) => existsSync(join(dir === '' ? '.' : dir, file)));
}

/**
 * How running a program went: its standard output; `missing` when it is not there to run (or
 * was stopped by `signal`), which says nothing about the host; else why it failed, in words.
 */
export type CommandOutput =
  | { readonly kind: 'output'; readonly text: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'failed'; readonly why: string };

/** Runs a program and returns its stdout, or why there is none. */
export function readCommand(
  file: string,
  args: readonly string[],
  timeoutMs = 10_000,
  signal?: AbortSignal,
): Promise<CommandOutput> {
  if (!mayExist(file)) return Promise.resolve({ kind: 'missing' });
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { timeout: timeoutMs, encoding: 'utf8', ...(signal !== undefined ? { signal } : {}) },
      (error, stdout, stderr) => {
        if (error === null) resolve({ kind: 'output', text: stdout });
        else if (error.code === 'ENOENT' || signal?.aborted === true) resolve({ kind: 'missing' });
        else resolve({ kind: 'failed', why: failureWords(error, stderr, stdout, timeoutMs) });
      },
    );
  });
}

/** The longest part of the line a program wrote that a warning quotes. */
const MAX_QUOTED = 200;

/**
 * Why a program failed, in words: `exited with status 9: "<first line it wrote>"`, or the
 * signal that ended it, or the code of a start that failed (EACCES). The line is standard
 * error's first non-empty one, else standard output's (nvidia-smi tells of a missing driver on
 * stdout), quoted with its control characters escaped, so it stays one line.
 */
function failureWords(
  error: ExecFileException,
  stderr: string,
  stdout: string,
  timeoutMs: number,
): string {
  const how =
    error.killed === true && error.signal === 'SIGTERM'
      ? `did not answer within ${timeoutMs / 1000} s`
      : typeof error.code === 'number'
        ? `exited with status ${error.code}`
        : error.signal !== undefined && error.signal !== null
          ? `was ended by ${error.signal}`
          : `could not be run (${error.code ?? error.message})`;
  const first = firstLine(stderr) ?? firstLine(stdout);
  if (first === undefined) return how;
  const cut = first.length > MAX_QUOTED ? `${first.slice(0, MAX_QUOTED - 1)}…` : first;
  return `${how}: ${JSON.stringify(cut)}`;
}

/** The first non-empty line of `text`, trimmed; undefined when there is none. */
function firstLine(text: string): string | undefined {
  return text
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim();
}

/** The host's GPUs and any problem met while finding them. */
export interface Inventory {
  readonly gpus: readonly Gpu[];
  /** Output of `nvidia-smi topo -m`, when it could be read. */
  readonly topology: string | undefined;
  readonly warnings: readonly string[];
  /**
   * Problems that matter only to work that needs GPUs (an nvidia-smi that failed, so GPU work
   * is blocked or simulated): a run shows them only when its selected work has some.
   */
  readonly gpuWarnings: readonly string[];
}

/**
 * Finds the GPUs: from nvidia-smi (0 when it is absent), narrowed or replaced by `--gpus`.
 * `nvidiaSmi` is the program to run ($CRITPATH_NVIDIA_SMI, unless unset or empty; tests point it
 * at a fake); aborting `signal` stops it (the answer is then no GPUs). With `topology: false` the topology is not asked for (undefined).
 */
export async function detectInventory(
  override: GpuOverride,
  nvidiaSmi = process.env['CRITPATH_NVIDIA_SMI'] || 'nvidia-smi',
  signal?: AbortSignal,
  opts: { readonly topology?: boolean } = {},
): Promise<Inventory> {
  if (override.kind === 'count') {
    return {
      gpus: simulatedGpus([...Array(override.count).keys()]),
      topology: undefined,
      warnings: [],
      gpuWarnings: [],
    };
  }
  const warnings: string[] = [];
  const gpuWarnings: string[] = [];
  // Both at once: each nvidia-smi call takes a noticeable part of a second on a GPU host.
  const [csv, topo] = await Promise.all([
    readCommand(nvidiaSmi, ['--query-gpu=index,uuid,pci.bus_id', '--format=csv'], 10_000, signal),
    opts.topology === false ? undefined : readCommand(nvidiaSmi, ['topo', '-m'], 10_000, signal),
  ]);
  let found: Gpu[] = [];
  if (csv.kind === 'output') {
    const parsed = parseGpuCsv(csv.text);
    if (parsed.ok) found = parsed.gpus;
    else warnings.push(parsed.message);
  } else if (csv.kind === 'failed') gpuWarnings.push(smiFailed(nvidiaSmi, csv.why, override));
  const topology = found.length > 0 && topo?.kind === 'output' ? topo.text : undefined;
  if (override.kind === 'list') {
    if (found.length === 0)
      return { gpus: simulatedGpus(override.indices), topology: undefined, warnings, gpuWarnings };
    const known = new Map(found.map((g) => [g.index, g]));
    const missing = override.indices.filter((i) => !known.has(i));
    if (missing.length > 0)
      warnings.push(`--gpus names GPUs this host does not have: ${missing.join(',')}`);
    found = override.indices.flatMap((i) => known.get(i) ?? []);
  }
  const order = checkPciOrder(found);
  if (order !== undefined) warnings.push(order);
  return { gpus: found, topology, warnings, gpuWarnings };
}

/**
 * The warning for an nvidia-smi that is there but failed (exit 9: no driver to talk to): what
 * it said, and what critpath uses instead of the GPUs it could not list.
 */
function smiFailed(nvidiaSmi: string, why: string, override: GpuOverride): string {
  const instead =
    override.kind === 'list'
      ? `critpath uses the GPUs --gpus names (${override.indices.join(',')}) as simulated slots`
      : 'critpath takes this host to have no GPUs: GPU work is blocked (--gpus N simulates N slots)';
  return `${nvidiaSmi} ${why}; ${instead}`;
}
