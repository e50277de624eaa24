import { toCsr } from '../model/activities.js';
import type { Problem } from '../planner/engine/problem.js';
import type { Diagnostic, Result } from '../result.js';
import { err, ok } from '../result.js';

/**
 * PSPLIB single-mode RCPSP files (`.sm`, Kolisch & Sprecher 1996): jobs with durations,
 * successors and renewable resource requests, plus the resource availabilities. Jobs are
 * numbered from 1; job 1 and job N are the dummy source and sink.
 */
export interface PsplibInstance {
  readonly file: string;
  readonly jobs: number;
  /** Per job (0-based): duration. */
  readonly durations: readonly number[];
  /** Per job (0-based): successor job indices (0-based). */
  readonly successors: readonly (readonly number[])[];
  /** Per job (0-based): request per renewable resource. */
  readonly requests: readonly (readonly number[])[];
  /** Capacity per renewable resource. */
  readonly capacities: readonly number[];
}

interface Token {
  readonly text: string;
  readonly col: number;
}

function tokens(line: string): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    out.push({ text: m[0], col: m.index + 1 });
  }
  return out;
}

class Fail {
  readonly diags: Diagnostic[] = [];
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }
  add(line: number, col: number, message: string): void {
    this.diags.push({ reason: 'psplib', message, position: { file: this.file, line, col } });
  }
}

/** A nonnegative integer token, or a diagnostic at it. */
function int(
  f: Fail,
  lineNo: number,
  t: Token | undefined,
  what: string,
  endCol: number,
): number | null {
  if (t === undefined) {
    f.add(lineNo, endCol, `missing ${what}`);
    return null;
  }
  if (!/^\d+$/.test(t.text)) {
    f.add(lineNo, t.col, `${what}: expected a nonnegative integer, found "${t.text}"`);
    return null;
  }
  return Number(t.text);
}

/** The lines of a `.sm` file and the diagnostics found in them so far. */
interface Sm {
  readonly f: Fail;
  readonly lines: readonly string[];
}

/** The index of the first line at or after `from` that starts with `prefix`, or -1. */
function findLine(sm: Sm, prefix: string, from = 0): number {
  for (let i = from; i < sm.lines.length; i++)
    if (sm.lines[i]!.trimStart().startsWith(prefix)) return i;
  return -1;
}

const colAfter = (line: string): number => line.length + 1;

/** The tokens after a header line's colon, with columns counted in the whole line. */
function valueTokens(line: string): Token[] {
  const c = line.indexOf(':');
  return tokens(line.slice(c + 1)).map((t) => ({ text: t.text, col: t.col + c + 1 }));
}

/** `jobs (incl. supersource/sink ):  32` and `- renewable :  4   R`. */
function parseHeader(sm: Sm): { jobs: number; nres: number; jobsLine: number } | null {
  const { f, lines } = sm;
  const jl = findLine(sm, 'jobs (incl. supersource/sink');
  if (jl < 0) {
    f.add(1, 1, 'missing "jobs (incl. supersource/sink ):" line');
    return null;
  }
  const jLine = lines[jl]!;
  const jTok = valueTokens(jLine);
  const jobs = int(f, jl + 1, jTok[0], 'job count', colAfter(jLine));
  if (jobs === null) return null;
  if (jobs < 2) {
    f.add(jl + 1, jTok[0]!.col, `job count must be at least 2 (source and sink), found ${jobs}`);
    return null;
  }
  const rl = findLine(sm, '- renewable');
  if (rl < 0) {
    f.add(jl + 2, 1, 'missing "- renewable :" line');
    return null;
  }
  const line = lines[rl]!;
  const nres = int(f, rl + 1, valueTokens(line)[0], 'renewable resource count', colAfter(line));
  if (nres === null) return null;
  return { jobs, nres, jobsLine: jl };
}

/** One precedence line: `job modes #successors successor...`, into `successors`. */
function parsePrecedenceLine(
  f: Fail,
  lineNo: number,
  line: string,
  jobs: number,
  seen: Uint8Array,
  precLine: Int32Array,
  successors: number[][],
): void {
  const t = tokens(line);
  const end = colAfter(line);
  const job = int(f, lineNo, t[0], 'job number', end);
  const modes = int(f, lineNo, t[1], 'mode count', end);
  const ns = int(f, lineNo, t[2], 'successor count', end);
  if (job === null || modes === null || ns === null) return;
  if (job < 1 || job > jobs) {
    f.add(lineNo, t[0]!.col, `job number ${job} out of range 1..${jobs}`);
    return;
  }
  if (seen[job - 1] === 1) {
    f.add(lineNo, t[0]!.col, `job ${job} listed twice in precedence relations`);
    return;
  }
  seen[job - 1] = 1;
  precLine[job - 1] = lineNo;
  if (modes !== 1) {
    f.add(lineNo, t[1]!.col, `job ${job}: ${modes} modes; only single-mode files are supported`);
  }
  if (t.length - 3 !== ns) {
    f.add(
      lineNo,
      t[Math.min(t.length - 1, 3 + ns)]?.col ?? end,
      `job ${job}: declares ${ns} successors but lists ${t.length - 3}`,
    );
    return;
  }
  for (let q = 3; q < t.length; q++) {
    const s = int(f, lineNo, t[q], `job ${job} successor`, end);
    if (s === null) continue;
    if (s < 1 || s > jobs)
      f.add(lineNo, t[q]!.col, `job ${job}: successor ${s} out of range 1..${jobs}`);
    else if (s === job) f.add(lineNo, t[q]!.col, `job ${job} lists itself as a successor`);
    else successors[job - 1]!.push(s - 1);
  }
}

/** The PRECEDENCE RELATIONS section: each job's successors, or null when the section is cut short or cyclic. */
function parsePrecedences(sm: Sm, jobs: number): { successors: number[][]; at: number } | null {
  const { f, lines } = sm;
  const pl = findLine(sm, 'PRECEDENCE RELATIONS:');
  if (pl < 0) {
    f.add(lines.length, 1, 'missing "PRECEDENCE RELATIONS:" section');
    return null;
  }
  const successors: number[][] = Array.from({ length: jobs }, () => []);
  const seen = new Uint8Array(jobs);
  const precLine = new Int32Array(jobs);
  let li = pl + 2; // skip the column header
  for (let k = 0; k < jobs; k++, li++) {
    const line = lines[li];
    if (line === undefined || line.trimStart().startsWith('*')) {
      f.add(li + 1, 1, `precedence relations: expected ${jobs} job lines, found ${k}`);
      return null;
    }
    parsePrecedenceLine(f, li + 1, line, jobs, seen, precLine, successors);
  }
  if (f.diags.length === 0) {
    const j = jobOnCycle(successors);
    if (j >= 0) {
      f.add(precLine[j]!, 1, `precedence relations form a cycle through job ${j + 1}`);
      return null;
    }
  }
  return { successors, at: pl };
}

/** A job on or behind a cycle (Kahn's algorithm: the jobs left over), or -1 when there is none. */
function jobOnCycle(successors: readonly (readonly number[])[]): number {
  const jobs = successors.length;
  const indeg = new Int32Array(jobs);
  for (const ss of successors) for (const s of ss) indeg[s]!++;
  const queue: number[] = [];
  for (let j = 0; j < jobs; j++) if (indeg[j] === 0) queue.push(j);
  for (let h = 0; h < queue.length; h++) {
    for (const s of successors[queue[h]!]!) if (--indeg[s]! === 0) queue.push(s);
  }
  return queue.length < jobs ? indeg.findIndex((d) => d > 0) : -1;
}

/** The REQUESTS/DURATIONS section: each job's duration and requests. */
function parseRequests(
  sm: Sm,
  jobs: number,
  nres: number,
  from: number,
): { durations: number[]; requests: number[][]; at: number } | null {
  const { f, lines } = sm;
  const ql = findLine(sm, 'REQUESTS/DURATIONS:', from);
  if (ql < 0) {
    f.add(lines.length, 1, 'missing "REQUESTS/DURATIONS:" section');
    return null;
  }
  let li = ql + 1;
  while (li < lines.length && !/^\s*\d/.test(lines[li]!)) {
    if (lines[li]!.trimStart().startsWith('*')) break;
    li++;
  }
  const durations = new Array<number>(jobs).fill(0);
  const requests: number[][] = Array.from({ length: jobs }, () => new Array<number>(nres).fill(0));
  const seen = new Uint8Array(jobs);
  for (let k = 0; k < jobs; k++, li++) {
    const line = lines[li];
    if (line === undefined || line.trimStart().startsWith('*')) {
      f.add(li + 1, 1, `requests/durations: expected ${jobs} job lines, found ${k}`);
      return null;
    }
    const t = tokens(line);
    const end = colAfter(line);
    const job = int(f, li + 1, t[0], 'job number', end);
    if (job === null) continue;
    if (job < 1 || job > jobs) {
      f.add(li + 1, t[0]!.col, `job number ${job} out of range 1..${jobs}`);
      continue;
    }
    if (seen[job - 1] === 1) {
      f.add(li + 1, t[0]!.col, `job ${job} listed twice in requests/durations`);
      continue;
    }
    seen[job - 1] = 1;
    if (t.length !== 3 + nres) {
      f.add(
        li + 1,
        t[Math.min(t.length - 1, 3 + nres)]?.col ?? end,
        `job ${job}: expected mode, duration and ${nres} requests, found ${t.length - 1} values`,
      );
      continue;
    }
    const d = int(f, li + 1, t[2], `job ${job} duration`, end);
    if (d !== null) durations[job - 1] = d;
    for (let r = 0; r < nres; r++) {
      const v = int(f, li + 1, t[3 + r], `job ${job} request R${r + 1}`, end);
      if (v !== null) requests[job - 1]![r] = v;
    }
  }
  return { durations, requests, at: ql };
}

/** The RESOURCEAVAILABILITIES section: one capacity per resource, with the tokens' columns. */
function parseCapacities(
  sm: Sm,
  nres: number,
  from: number,
): { capacities: number[]; tokens: Token[]; lineNo: number } | null {
  const { f, lines } = sm;
  const al = findLine(sm, 'RESOURCEAVAILABILITIES:', from);
  if (al < 0) {
    f.add(lines.length, 1, 'missing "RESOURCEAVAILABILITIES:" section');
    return null;
  }
  const capLine = lines[al + 2] ?? '';
  const ct = tokens(capLine);
  const capacities: number[] = [];
  if (ct.length !== nres) {
    f.add(
      al + 3,
      ct[nres]?.col ?? 1,
      `resource availabilities: expected ${nres} values, found ${ct.length}`,
    );
  } else {
    for (let r = 0; r < nres; r++) {
      const v = int(f, al + 3, ct[r], `availability of R${r + 1}`, colAfter(capLine));
      if (v !== null) capacities.push(v);
    }
  }
  return { capacities, tokens: ct, lineNo: al + 3 };
}

/**
 * Parses a single-mode PSPLIB `.sm` file. Errors carry the line and column of the offending
 * token (or of the place where a section is missing).
 */
export function parsePsplib(text: string, file: string): Result<PsplibInstance, Diagnostic[]> {
  const sm: Sm = { f: new Fail(file), lines: text.split(/\r?\n/) };
  const f = sm.f;
  const header = parseHeader(sm);
  if (header === null) return err(f.diags);
  const { jobs, nres } = header;
  const prec = parsePrecedences(sm, jobs);
  if (prec === null) return err(f.diags);
  const req = parseRequests(sm, jobs, nres, prec.at);
  if (req === null) return err(f.diags);
  const avail = parseCapacities(sm, nres, req.at);
  if (avail === null || f.diags.length > 0) return err(f.diags);
  const { capacities } = avail;
  const { requests, durations } = req;
  // Every request must fit: otherwise no schedule exists.
  for (let j = 0; j < jobs; j++) {
    for (let r = 0; r < nres; r++) {
      if (requests[j]![r]! > capacities[r]!) {
        f.add(
          avail.lineNo,
          avail.tokens[r]!.col,
          `job ${j + 1} requests ${requests[j]![r]} of R${r + 1} but only ${capacities[r]} are available`,
        );
      }
    }
  }
  if (f.diags.length > 0) return err(f.diags);
  return ok({ file, jobs, durations, successors: prec.successors, requests, capacities });
}

/**
 * The generic Problem of a PSPLIB instance: resources R1..Rk with constant capacity from 0, no
 * workers, ids "1".."N" (the dummy source and sink included as zero-length activities).
 */
export function psplibToProblem(inst: PsplibInstance): Problem {
  const n = inst.jobs;
  const edges: [number, number][] = [];
  inst.successors.forEach((ss, j) => {
    for (const s of [...new Set(ss)].sort((a, b) => a - b)) edges.push([j, s]);
  });
  const { start: succStart, list: succ } = toCsr(n, edges, 0);
  const { start: predStart, list: pred } = toCsr(n, edges, 1);
  const R = inst.capacities.length;
  const demand = new Float64Array(n * R);
  for (let j = 0; j < n; j++) for (let r = 0; r < R; r++) demand[j * R + r] = inst.requests[j]![r]!;
  return {
    n,
    succStart,
    succ,
    predStart,
    pred,
    ids: Array.from({ length: n }, (_, i) => String(i + 1)),
    duration: Float64Array.from(inst.durations),
    resources: inst.capacities.map((capacity, r) => ({
      id: `R${r + 1}`,
      profile: [{ from: 0, capacity }],
    })),
    demand,
  };
}

/** One row of a PSPLIB optimum / best-known table (j30opt.sm, j60hrs.sm, ...). */
export interface PsplibOptEntry {
  readonly parameter: number;
  readonly instance: number;
  readonly makespan: number;
}

/**
 * Parses a PSPLIB solution table: after the dashed line under the column header, each row
 * starts with parameter, instance and makespan (further columns ignored).
 */
export function parsePsplibOpt(text: string, file: string): Result<PsplibOptEntry[], Diagnostic[]> {
  const f = new Fail(file);
  const lines = text.split(/\r?\n/);
  let i = lines.findIndex((l) => /^\s*Par/i.test(l));
  if (i < 0) {
    f.add(1, 1, 'missing the "Parameter Instance Makespan" column header');
    return err(f.diags);
  }
  i++;
  if (/^\s*-{3,}/.test(lines[i] ?? '')) i++;
  const out: PsplibOptEntry[] = [];
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*$/.test(line) || /^\s*[=-]{3,}/.test(line)) continue;
    const t = tokens(line);
    const end = colAfter(line);
    const p = int(f, i + 1, t[0], 'parameter', end);
    const q = int(f, i + 1, t[1], 'instance', end);
    const m = int(f, i + 1, t[2], 'makespan', end);
    if (p !== null && q !== null && m !== null)
      out.push({ parameter: p, instance: q, makespan: m });
  }
  if (f.diags.length > 0) return err(f.diags);
  if (out.length === 0) {
    f.add(lines.length, 1, 'no rows in the table');
    return err(f.diags);
  }
  return ok(out);

  function colAfter(line: string): number {
    return line.length + 1;
  }
}
