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
  /** The activity's log (absolute): stdout and stderr are appended to it. */
  readonly logFile: string;
  /** The attempt's header line, written to the log before the command starts: [0] + start time
   * (ISO) + [1]. */
  readonly logHeader: readonly [string, string];
  /** The log as shown to people (relative to the project root). */
  readonly logPath: string;
  readonly gpus: readonly number[];
  /** Dispatch order (lower first): a queueing backend starts what it holds in this order. */
  readonly rank: number;
  /**
   * Sent ahead of a free --jobs slot (see `Backend.queueAhead`): it waits for one, a failure holds
   * it until `settled()`, and `withdraw` takes it back. Otherwise the run gave it a free slot: it
   * starts whatever ends meanwhile (a failure included), and only a stop (`kill`) takes it back.
   */
  readonly ahead: boolean;
}

/** How an attempt ended, as the backend saw it. */
export interface ExitInfo {
  /** The exit code; null when killed by a signal or never started. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Set when the command could not be started at all. */
  readonly spawnError: string | undefined;
  /**
   * Set, instead of spawnError, when the host failed the attempt, not the command: its log could
   * not be opened or written (a link or a FIFO in its place, a read-only folder, a full disk), the
   * OS refused to start it for want of room (a process limit: see refused-start.ts), or the
   * process that started it died and nothing can see it end. The line that says so.
   */
  readonly hostError?: string;
  /**
   * The hostError is a start the OS refused for want of room, which passes: the run starts
   * nothing more but lets the work already running finish (rather than stopping it).
   */
  readonly hostRefused?: boolean;
}

/** A started attempt. */
export interface Launched {
  /**
   * Resolves once the attempt is under way: when (epoch ms) and its local process (group) id when
   * there is one (none either when it could not start: then `done` says why). Resolves undefined
   * when it was withdrawn before it started (see `withdraw`); `done` then never resolves. With
   * `lost`, the host lost it before it could tell whether it started (a launcher died): `lost`
   * says why, and `done` never resolves either. Never rejects.
   */
  readonly started: Promise<
    { readonly at: number; readonly pid: number | undefined; readonly lost?: string } | undefined
  >;
  /** The backend's job id, when known at start. */
  readonly externalId: string | undefined;
  /** Resolves when the attempt ends; never rejects. */
  readonly done: Promise<ExitInfo>;
  /** Sends a signal to everything the attempt started; withdraws it if it has not started. */
  kill(signal: NodeJS.Signals): void;
  /**
   * Whether something the attempt started still runs after its command ended (a process left
   * in its group); absent where the backend cannot tell. A SIGKILL after the end forgets it.
   */
  lingers?(): boolean;
  /**
   * Withdraws the attempt if it has not started yet and still waits ahead of a slot (a queueing
   * backend); else no effect: an attempt that has a slot starts.
   */
  withdraw(): void;
  /**
   * Called once the executor has acted on the attempt's end (journaled, decided whether to start
   * more). A queueing backend starts nothing more after a failure until then.
   */
  settled(): void;
}

export interface Backend {
  /** Recorded in the journal with every attempt (`local`, `slurm`). */
  readonly name: string;
  /**
   * The backend keeps to --jobs itself and takes this many launches more, queued (only of work
   * that needs no GPUs, so that nothing holds GPUs while it waits): it starts the next, by rank,
   * the moment a command ends. 0 (or absent): every launch starts at once.
   */
  readonly queueAhead?: number;
  launch(spec: LaunchSpec): Launched;
  /**
   * Called when an attempt's job id becomes known after launch: the executor journals it.
   * Backends that know the id at launch need not use it.
   */
  onExternalId?: (listener: (activityId: string, externalId: string) => void) => void;
  /** Kills this backend's leftovers from dead runs, before a run starts. Returns what it killed. */
  sweep?(deadRunIds: ReadonlySet<string>): Promise<readonly string[]>;
}
