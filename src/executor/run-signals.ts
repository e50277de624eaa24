/**
 * How every run answers signals: the first SIGINT or SIGTERM stops it (running work gets
 * SIGTERM, then SIGKILL after the grace period; Slurm jobs are cancelled), a second one stops it
 * now. A terminal that hangs up (an ssh session that drops) does not stop hours of work: the run
 * goes on without output, `critpath status` follows it, `critpath cancel` stops it. (Node 20
 * then aborts at exit, restoring the terminal it no longer has: nodejs/node#51519. The work and
 * the journal are complete by then.)
 */
export interface RunSignals {
  /** Aborted by the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  first(): NodeJS.Signals | undefined;
  /** What a second signal does (no more grace). */
  onSecond(hurry: () => void): void;
  /** Stops catching SIGINT and SIGTERM. */
  release(): void;
}

/** Ignores SIGHUP until the returned function is called. */
export function ignoreHangup(): () => void {
  const onHup = (): void => undefined;
  process.on('SIGHUP', onHup);
  return () => process.off('SIGHUP', onHup);
}

/** Catches SIGINT and SIGTERM for a run, from now until `release`. */
export function catchRunSignals(): RunSignals {
  const abort = new AbortController();
  const received: NodeJS.Signals[] = [];
  let hurry: () => void = () => undefined;
  const on = (sig: NodeJS.Signals): void => {
    received.push(sig);
    if (received.length === 1) abort.abort();
    else hurry();
  };
  const onInt = (): void => on('SIGINT');
  const onTerm = (): void => on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: abort.signal,
    first: () => received[0],
    onSecond(h) {
      hurry = h;
    },
    release() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
