/**
 * Pure translation of one activity into an `sbatch` submission: the argument vector and the batch
 * script. Nothing here touches the file system or runs a command.
 */
import type { Command, GpuDemand, Hardware } from '../../model/project.js';

/** Partition per hardware kind (`--partition gpu=NAME,macbook=NAME`); unset: Slurm's default. */
export type PartitionMap = Readonly<Partial<Record<Hardware, string>>>;

/** What one submission needs to know. */
export interface SubmissionSpec {
  readonly project: string;
  readonly activityId: string;
  readonly runId: string;
  readonly attempt: number;
  readonly hardware: Hardware;
  readonly gpus: GpuDemand;
  readonly run: Command;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number | undefined;
  /** Job ids of the predecessors still pending or running in Slurm (done ones are left out). */
  readonly afterOk: readonly string[];
  /** Absolute project root: the job's working directory. */
  readonly workDir: string;
  /** Absolute path of the job's log (stdout and stderr). */
  readonly logPath: string;
  /** Absolute path the batch script is written to before sbatch reads it. */
  readonly scriptPath: string;
  readonly partitions: PartitionMap;
}

/** The environment variable that carries the run id into every job. */
export const RUN_ID_ENV = 'CRITPATH_RUN_ID';
/** The comment prefix that tags a job with its run: `critpath-run=<runId>`. */
export const RUN_COMMENT_PREFIX = 'critpath-run=';

/** Characters kept in job names; others become `_` (squeue/sacct output stays one token). */
export function sanitizeJobNamePart(s: string): string {
  return s.replace(/[^A-Za-z0-9._:/+@-]/g, '_');
}

/** `critpath:<project>:<activity>`, as the issue asks. */
export function jobName(project: string, activityId: string): string {
  return `critpath:${sanitizeJobNamePart(project)}:${sanitizeJobNamePart(activityId)}`;
}

/** A file-name-safe form of an activity id (`1a.2/build` → `1a.2--build`). */
export function activityFileName(activityId: string): string {
  return activityId.replace(/\//g, '--').replace(/[^A-Za-z0-9._+@-]/g, '_');
}

/** Seconds → Slurm's `D-HH:MM:SS`. Slurm rounds up to whole minutes itself. */
export function slurmTime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`invalid time limit ${seconds}`);
  const total = Math.ceil(seconds);
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d}-${two(h)}:${two(m)}:${two(s)}`;
}

/** POSIX single-quote quoting. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A file name as sbatch's --output reads it: `%` starts a pattern there (`%j`: the job id), so a
 * literal one is `%%` (log names escape `/` as `%2F`). scontrol shows the name so written.
 */
export function slurmFilename(path: string): string {
  return path.replace(/%/g, '%%');
}

/** The sbatch options, script path last. Strictly the flags below: no shell is involved. */
export function sbatchArgs(spec: SubmissionSpec): string[] {
  const args = [
    '--parsable',
    `--job-name=${jobName(spec.project, spec.activityId)}`,
    `--comment=${RUN_COMMENT_PREFIX}${spec.runId}`,
    `--chdir=${spec.workDir}`,
    `--output=${slurmFilename(spec.logPath)}`,
    `--error=${slurmFilename(spec.logPath)}`,
    '--open-mode=append',
    '--nodes=1',
    '--ntasks=1',
    // A job whose predecessor failed can never start: have Slurm cancel it rather than leave it
    // pending forever (critpath then resubmits it on the next run).
    '--kill-on-invalid-dep=yes',
    // The batch environment is the script's: the submitting shell's is exported too (Slurm's
    // default), and the task's own env is set inside the script (values may hold commas).
    '--export=ALL',
  ];
  const partition = spec.partitions[spec.hardware];
  if (partition !== undefined) args.push(`--partition=${partition}`);
  if (spec.gpus === 'all') args.push('--exclusive');
  else if (spec.gpus > 0) args.push(`--gres=gpu:${spec.gpus}`);
  if (spec.timeoutSeconds !== undefined) args.push(`--time=${slurmTime(spec.timeoutSeconds)}`);
  if (spec.afterOk.length > 0) args.push(`--dependency=afterok:${spec.afterOk.join(':')}`);
  args.push(spec.scriptPath);
  return args;
}

/**
 * The batch script. It exports the task's env and the run tags, prints one `critpath-slurm:
 * start` line (job id, host, epoch ms, the GPUs Slurm gave) and one `critpath-slurm: end` line
 * (exit code, epoch ms) around the command, and exits with the command's status.
 * CUDA_VISIBLE_DEVICES is Slurm's, as given: critpath's local GPU allocator has no part here.
 */
export function batchScript(spec: SubmissionSpec): string {
  for (const k of Object.keys(spec.env)) {
    if (!ENV_NAME.test(k))
      throw new Error(
        `task ${spec.activityId}: invalid environment variable name ${JSON.stringify(k)}`,
      );
  }
  const command =
    typeof spec.run === 'string'
      ? `/bin/sh -c ${shQuote(spec.run)}`
      : spec.run.map((w) => shQuote(w)).join(' ');
  const env = Object.entries(spec.env)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `export ${k}=${shQuote(v)}`);
  const tag = `activity=${activityFileName(spec.activityId)} attempt=${spec.attempt}`;
  return [
    '#!/bin/bash',
    `# critpath Slurm job: project ${JSON.stringify(spec.project)}, activity ${JSON.stringify(spec.activityId)}, run ${spec.runId}, attempt ${spec.attempt}`,
    `export ${RUN_ID_ENV}=${shQuote(spec.runId)}`,
    `export CRITPATH_ACTIVITY=${shQuote(spec.activityId)}`,
    `export CRITPATH_ATTEMPT=${spec.attempt}`,
    ...env,
    // A mark begins a line: output that ended mid-line (this attempt's, or one before it in the
    // same log, which Slurm appends to) gets its newline first. The log is the script's stdout.
    // (The last byte as hex: a command substitution would drop a NUL or a newline itself.)
    'critpath_line() { local f="/proc/$$/fd/1"; [ -f "$f" ] && [ -s "$f" ] && [ "$(tail -c1 "$f" | od -An -tx1 | tr -d \' \\n\')" != 0a ] && echo; return 0; }',
    'critpath_line',
    `echo "critpath-slurm: start ${tag} job=$SLURM_JOB_ID host=$(hostname) at_ms=$(date +%s%3N) cuda_visible_devices=\${CUDA_VISIBLE_DEVICES-unset} gpus_on_node=\${SLURM_GPUS_ON_NODE-0}"`,
    command,
    'rc=$?',
    'critpath_line',
    `echo "critpath-slurm: end job=$SLURM_JOB_ID exit=$rc at_ms=$(date +%s%3N)"`,
    'exit $rc',
    '',
  ].join('\n');
}

/** A parsed `critpath-slurm: start|end` line of a job log. */
export interface JobLogMark {
  readonly kind: 'start' | 'end';
  readonly jobId: string;
  readonly atMs: number;
  readonly cudaVisibleDevices?: string;
  readonly exitCode?: number;
}

/**
 * How long job `jobId` ran by its own start and end marks (ms, where Slurm's times are whole
 * seconds); undefined unless `marks` hold both.
 */
export function markedDurationMs(marks: readonly JobLogMark[], jobId: string): number | undefined {
  const start = marks.findLast((m) => m.kind === 'start' && m.jobId === jobId);
  const end = marks.findLast((m) => m.kind === 'end' && m.jobId === jobId);
  return start === undefined || end === undefined ? undefined : Math.max(0, end.atMs - start.atMs);
}

/** Reads the start/end marks a batch script wrote into its log. */
export function parseJobLog(text: string): JobLogMark[] {
  const marks: JobLogMark[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('critpath-slurm: ')) continue;
    const kind = line.startsWith('critpath-slurm: start ')
      ? 'start'
      : line.startsWith('critpath-slurm: end ')
        ? 'end'
        : undefined;
    if (kind === undefined) continue;
    const field = (k: string): string | undefined =>
      new RegExp(`(?:^| )${k}=(\\S*)`).exec(line)?.[1];
    const jobId = field('job');
    const at = Number(field('at_ms'));
    if (jobId === undefined || !Number.isFinite(at)) continue;
    if (kind === 'start')
      marks.push({
        kind,
        jobId,
        atMs: at,
        cudaVisibleDevices: field('cuda_visible_devices') ?? 'unset',
      });
    else marks.push({ kind, jobId, atMs: at, exitCode: Number(field('exit')) });
  }
  return marks;
}
