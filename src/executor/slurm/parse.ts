/**
 * Strict parsers of Slurm's command output. Every parser rejects what it does not recognize with
 * a SlurmParseError naming the command and the offending line: guessing at a scheduler's answer
 * risks submitting a job twice or reporting a failed job as done.
 *
 * The formats are the ones critpath asks for (see `SQUEUE_FORMAT`, `SACCT_FIELDS`); the fixtures
 * under test/fixtures/slurm/ were recorded from a real slurmctld 22.05.
 */

export class SlurmParseError extends Error {
  readonly command: string;
  readonly line: string | undefined;
  constructor(command: string, message: string, line?: string) {
    super(
      `unexpected output from ${command}: ${message}${line === undefined ? '' : ` (line: ${JSON.stringify(line)})`}`,
    );
    this.name = 'SlurmParseError';
    this.command = command;
    this.line = line;
  }
}

/** A job id as Slurm prints it for a plain batch job (no array or het-job suffix). */
const JOB_ID = /^[1-9]\d*$/;

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
}

/**
 * `sbatch --parsable` prints `jobid` or `jobid;cluster` on one line. Anything else (a warning on
 * stdout, two lines, a non-numeric id) is an error.
 */
export function parseSbatchParsable(stdout: string): {
  jobId: string;
  cluster: string | undefined;
} {
  const ls = lines(stdout);
  if (ls.length !== 1)
    throw new SlurmParseError('sbatch --parsable', `expected one line, got ${ls.length}`, stdout);
  const line = ls[0]!.trim();
  const m = /^(\d+)(?:;([A-Za-z0-9_.-]+))?$/.exec(line);
  if (m === null || !JOB_ID.test(m[1]!))
    throw new SlurmParseError('sbatch --parsable', 'not a job id', line);
  return { jobId: m[1]!, cluster: m[2] };
}

/** Slurm's job states (long names), as squeue %T, sacct State and scontrol JobState print them. */
export const SLURM_STATES = [
  'BOOT_FAIL',
  'CANCELLED',
  'COMPLETED',
  'COMPLETING',
  'CONFIGURING',
  'DEADLINE',
  'FAILED',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PENDING',
  'PREEMPTED',
  'REQUEUED',
  'REQUEUE_FED',
  'REQUEUE_HOLD',
  'RESIZING',
  'RESV_DEL_HOLD',
  'REVOKED',
  'RUNNING',
  'SIGNALING',
  'SPECIAL_EXIT',
  'STAGE_OUT',
  'STOPPED',
  'SUSPENDED',
  'TIMEOUT',
] as const;
export type SlurmState = (typeof SLURM_STATES)[number];

const STATE_SET: ReadonlySet<string> = new Set(SLURM_STATES);

/** Parses a state word; sacct writes `CANCELLED by 0`, scontrol may add `+` flags: both accepted. */
export function parseState(command: string, raw: string): SlurmState {
  const word = raw.trim().split(/\s+/)[0]?.replace(/\+$/, '') ?? '';
  if (!STATE_SET.has(word))
    throw new SlurmParseError(command, `unknown job state ${JSON.stringify(raw)}`);
  return word as SlurmState;
}

/** What critpath makes of a Slurm state. */
export type JobPhase = 'pending' | 'running' | 'succeeded' | 'failed' | 'timeout' | 'cancelled';

export function jobPhase(state: SlurmState): JobPhase {
  switch (state) {
    case 'PENDING':
    case 'CONFIGURING':
    case 'REQUEUED':
    case 'REQUEUE_FED':
    case 'REQUEUE_HOLD':
    case 'RESV_DEL_HOLD':
    case 'SUSPENDED':
    case 'STOPPED':
      return 'pending';
    case 'RUNNING':
    case 'COMPLETING':
    case 'RESIZING':
    case 'SIGNALING':
    case 'STAGE_OUT':
      return 'running';
    case 'COMPLETED':
      return 'succeeded';
    case 'TIMEOUT':
    case 'DEADLINE':
      return 'timeout';
    case 'CANCELLED':
    case 'PREEMPTED':
    case 'REVOKED':
      return 'cancelled';
    case 'FAILED':
    case 'NODE_FAIL':
    case 'OUT_OF_MEMORY':
    case 'BOOT_FAIL':
    case 'SPECIAL_EXIT':
      return 'failed';
  }
}

/** True for states a job never leaves. */
export function isTerminal(phase: JobPhase): boolean {
  return phase !== 'pending' && phase !== 'running';
}

/** One job as the scheduler reports it; fields a source does not give are undefined. */
export interface JobInfo {
  readonly jobId: string;
  readonly state: SlurmState;
  readonly phase: JobPhase;
  /** Why a pending job waits, or why it ended (`Dependency`, `DependencyNeverSatisfied`…). */
  readonly reason: string | undefined;
  readonly name: string | undefined;
  /** The job's comment; critpath puts `critpath-run=<runId>` there. */
  readonly comment: string | undefined;
  /** `exit:signal` split; undefined when the source does not say. */
  readonly exitCode: number | undefined;
  readonly signal: number | undefined;
  /** Epoch milliseconds (whole seconds: Slurm's resolution), undefined when not started/ended. */
  readonly start: number | undefined;
  readonly end: number | undefined;
  /** GPUs allocated (from `gres/gpu=N` in the allocated TRES), when the source says. */
  readonly gpus: number | undefined;
  readonly source: 'squeue' | 'sacct' | 'scontrol';
}

/** The squeue format critpath asks for: id, state, reason, comment, then the name (may hold `|`). */
export const SQUEUE_FORMAT = '%i|%T|%r|%k|%j';

function nullable(v: string): string | undefined {
  const t = v.trim();
  return t === '' || t === '(null)' || t === 'None' || t === 'N/A' ? undefined : t;
}

/** `squeue --noheader --format=SQUEUE_FORMAT` output. */
export function parseSqueue(stdout: string): JobInfo[] {
  return lines(stdout).map((line) => {
    const parts = line.split('|');
    if (parts.length < 5)
      throw new SlurmParseError('squeue', `expected 5 fields, got ${parts.length}`, line);
    const [id, state, reason, comment] = parts as [string, string, string, string];
    const jobId = id.trim();
    if (!JOB_ID.test(jobId)) throw new SlurmParseError('squeue', 'not a plain job id', line);
    const st = parseState('squeue', state);
    return {
      jobId,
      state: st,
      phase: jobPhase(st),
      reason: nullable(reason),
      comment: nullable(comment),
      name: parts.slice(4).join('|'),
      exitCode: undefined,
      signal: undefined,
      start: undefined,
      end: undefined,
      gpus: undefined,
      source: 'squeue',
    };
  });
}

/** The sacct fields critpath asks for, in order (JobName last: it may hold `|`). */
export const SACCT_FIELDS = [
  'JobIDRaw',
  'State',
  'ExitCode',
  'Submit',
  'Start',
  'End',
  'AllocTRES',
  'Reason',
  'JobName',
] as const;

/** Slurm's local time stamp `YYYY-MM-DDTHH:MM:SS` → epoch ms; `Unknown`/`None` → undefined. */
export function parseSlurmTime(command: string, raw: string): number | undefined {
  const t = raw.trim();
  if (t === '' || t === 'Unknown' || t === 'None' || t === 'N/A') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(t);
  if (m === null) throw new SlurmParseError(command, `not a time stamp ${JSON.stringify(raw)}`);
  // Slurm prints the controller host's local time without a zone; read it as this host's.
  const [, y, mo, d, h, mi, s] = m.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const at = new Date(y, mo - 1, d, h, mi, s);
  // `new Date` reads the years 0 to 99 as 1900 to 1999: set the year as written.
  if (y < 100) at.setFullYear(y, mo - 1, d);
  return at.getTime();
}

/** `3:0` → exit 3, signal 0. */
export function parseExitCode(command: string, raw: string): { exitCode: number; signal: number } {
  const m = /^(\d+):(\d+)$/.exec(raw.trim());
  if (m === null) throw new SlurmParseError(command, `not an exit code ${JSON.stringify(raw)}`);
  return { exitCode: Number(m[1]), signal: Number(m[2]) };
}

/** The GPU count in a TRES list such as `billing=1,cpu=1,gres/gpu=2,node=1` (0 when absent). */
export function gpusInTres(tres: string): number {
  // Typed GPUs appear as `gres/gpu:h100=4` beside (usually) the untyped total `gres/gpu=4`.
  let typed = 0;
  for (const item of tres.split(',')) {
    const m = /^gres\/gpu(:[^=]+)?=(\d+)$/.exec(item.trim());
    if (m === null) continue;
    if (m[1] === undefined) return Number(m[2]);
    typed += Number(m[2]);
  }
  return typed;
}

/**
 * `sacct --parsable2 --noheader --allocations --format=SACCT_FIELDS`. A job requeued or restarted
 * appears once per try: the last row of an id wins.
 */
export function parseSacct(stdout: string): JobInfo[] {
  const byId = new Map<string, JobInfo>();
  for (const line of lines(stdout)) {
    const parts = line.split('|');
    if (parts.length < SACCT_FIELDS.length) {
      throw new SlurmParseError(
        'sacct',
        `expected ${SACCT_FIELDS.length} fields, got ${parts.length}`,
        line,
      );
    }
    const [id, state, exit, , start, end, tres, reason] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const jobId = id.trim();
    if (!JOB_ID.test(jobId))
      throw new SlurmParseError('sacct', 'not a plain job id (use --allocations)', line);
    const st = parseState('sacct', state);
    const ec = parseExitCode('sacct', exit);
    const allocated = tres.trim();
    byId.set(jobId, {
      jobId,
      state: st,
      phase: jobPhase(st),
      reason: nullable(reason),
      name: parts.slice(SACCT_FIELDS.length - 1).join('|'),
      comment: undefined,
      exitCode: ec.exitCode,
      signal: ec.signal,
      start: parseSlurmTime('sacct', start),
      end: parseSlurmTime('sacct', end),
      gpus: allocated === '' ? undefined : gpusInTres(allocated),
      source: 'sacct',
    });
  }
  return [...byId.values()];
}

/**
 * The GPU count in a GRES list such as `gpu:4`, `gpu:h100:2`, `gpu:2(IDX:0-1),nic:1` (0 when
 * no GPU is listed).
 */
export function gpusInGres(gres: string): number {
  let n = 0;
  for (const m of gres.matchAll(/(?:^|,)gpu(?::[^:,(]+)?:(\d+)/g)) n += Number(m[1]);
  return n;
}

/** Keys look like `JobId`, `AllocNode:Sid`, `CPUs/Task`, `NtasksPerN:B:S:C`. */
const SCONTROL_KEY = /(?:^| )([A-Za-z][A-Za-z0-9_:/]*)=/g;

/**
 * Splits one `scontrol show job --oneliner` line into its fields. Values may hold spaces
 * (`Command=/path/job.sh 2`, job names): a value runs until the next ` Key=`.
 */
export function parseScontrolFields(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  const keys: { key: string; keyStart: number; valueStart: number }[] = [];
  for (const m of line.matchAll(SCONTROL_KEY)) {
    const keyStart = m.index + (m[0].startsWith(' ') ? 1 : 0);
    keys.push({ key: m[1]!, keyStart, valueStart: m.index + m[0].length });
  }
  keys.forEach((k, i) => {
    const next = keys[i + 1];
    const value = line.slice(k.valueStart, next === undefined ? line.length : next.keyStart);
    if (!fields.has(k.key)) fields.set(k.key, value.trim());
  });
  return fields;
}

/** `scontrol show job --details --oneliner [ID]`: one job per line. */
export function parseScontrolShowJob(stdout: string): JobInfo[] {
  return lines(stdout).map((line) => {
    const f = parseScontrolFields(line);
    const need = (k: string): string => {
      const v = f.get(k);
      if (v === undefined) throw new SlurmParseError('scontrol show job', `no ${k}=`, line);
      return v;
    };
    if (!line.startsWith('JobId='))
      throw new SlurmParseError('scontrol show job', 'line does not start with JobId=', line);
    const jobId = need('JobId');
    if (!JOB_ID.test(jobId))
      throw new SlurmParseError('scontrol show job', 'not a plain job id', line);
    const st = parseState('scontrol show job', need('JobState'));
    const ec = parseExitCode('scontrol show job', need('ExitCode'));
    const phase = jobPhase(st);
    // With --details, JOB_GRES is what the job was allocated (`gpu:4` for an --exclusive job),
    // whether or not the cluster tracks gres/gpu as a TRES; TRES is the fallback.
    const jobGres = nullable(f.get('JOB_GRES') ?? '');
    const tres = f.get('AllocTRES') ?? f.get('TRES');
    return {
      jobId,
      state: st,
      phase,
      reason: nullable(need('Reason')),
      name: need('JobName'),
      comment: nullable(f.get('Comment') ?? ''),
      exitCode: ec.exitCode,
      signal: ec.signal,
      start:
        phase === 'pending' ? undefined : parseSlurmTime('scontrol show job', need('StartTime')),
      end: isTerminal(phase) ? parseSlurmTime('scontrol show job', need('EndTime')) : undefined,
      gpus:
        phase === 'pending'
          ? undefined
          : jobGres !== undefined
            ? gpusInGres(jobGres)
            : tres === undefined
              ? undefined
              : gpusInTres(tres),
      source: 'scontrol',
    };
  });
}
