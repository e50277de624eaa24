import type { Command } from '../model/project.js';

/**
 * How an activity's command gets run. `local` runs it on this host in its own process group;
 * other backends (Slurm) submit it elsewhere and report a job id the journal keeps.
 */

/** Everything a backend needs to start one attempt. */
export interface LaunchSpec {
  readonly activityId: string;
  readonly command: Command;
  /** The project root. */
  readonly cwd: string;
  /** The complete environment (critpath's own variables included). */
  readonly env: Readonly<Record<string, string>>;
  /** An open file descriptor for stdout and stderr (the activity's log). */
  readonly logFd: number;
  readonly logPath: string;
  readonly gpus: readonly number[];
}

/** How an attempt ended, as the backend saw it. */
export interface ExitInfo {
  /** The exit code; null when killed by a signal or never started. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Set when the command could not be started at all. */
  readonly spawnError: string | undefined;
}

/** A started attempt. */
export interface Launched {
  /** Local process (group) id, when there is one. */
  readonly pid: number | undefined;
  /** The backend's job id, when known at start. */
  readonly externalId: string | undefined;
  /** Resolves when the attempt ends; never rejects. */
  readonly done: Promise<ExitInfo>;
  /** Sends a signal to everything the attempt started. */
  kill(signal: NodeJS.Signals): void;
}

export interface Backend {
  /** Recorded in the journal with every attempt (`local`, `slurm`). */
  readonly name: string;
  launch(spec: LaunchSpec): Launched;
  /**
   * Called when an attempt's job id becomes known after launch: the executor journals it.
   * Backends that know the id at launch need not use it.
   */
  onExternalId?: (listener: (activityId: string, externalId: string) => void) => void;
  /** Kills this backend's leftovers from dead runs, before a run starts. Returns what it killed. */
  sweep?(deadRunIds: ReadonlySet<string>): Promise<readonly string[]>;
}
