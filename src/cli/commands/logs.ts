import { closeSync, existsSync, fstatSync, readSync } from 'node:fs';
import { LOG_CHUNK, lastAttemptStart, openLog } from '../../state/log-tail.js';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { DEFAULT_FILE_HELP, ROOT_OPTION } from '../options.js';
import { EXIT, fileAndId, loadOrReport, usageError } from '../context.js';
import { buildActivityGraph } from '../../model/activities.js';
import type { StatePaths } from '../../state/paths.js';
import { logFileName, statePaths } from '../../state/paths.js';
import { readRunState } from '../../state/read.js';
import { readRunStateQuickly } from '../../state/run-state.js';
import { liveRun } from '../../app/cancel.js';
import { unknownIdsText, withHints } from '../../app/resolve-ids.js';
import type { ShowLog } from '../log-paths.js';
import { logsShownFrom } from '../log-paths.js';
import { escapeTerminal } from '../../reporters/escape.js';
import { StringDecoder } from 'node:string_decoder';

interface LogsOptions {
  all?: boolean;
  follow?: boolean;
  raw?: boolean;
  root?: string;
}

/**
 * How a log's text reaches the output. On a terminal, its control sequences are shown, not
 * obeyed (a command's output must not retitle the terminal, clear it, move the cursor or reorder
 * a line), but for colours while critpath's own are on; a carriage return alone (a
 * progress bar's redraw) starts a new line; so too under TERM=dumb, whose terminal may still obey
 * them. Piped, or with `--raw`, it is the log as written.
 */
function logText(ctx: CliContext, opts: LogsOptions): (text: string) => string {
  if (!ctx.out.terminal || opts.raw === true) return (text) => text;
  const colour = ctx.out.color.level > 0;
  return (text) => escapeTerminal(text.replace(/\r\n?/g, '\n'), colour);
}

/** How often `logs -f` looks for new output. */
const FOLLOW_POLL_MS = 200;

export function registerLogs(program: Command, ctx: CliContext): void {
  program
    .command('logs')
    .description("Print an activity's log: its last attempt, or every attempt with --all")
    // The file may be left out, the id may not: one argument alone is the id.
    .usage('[options] [file] <id>')
    .argument('[file]', `task file (default: ${DEFAULT_FILE_HELP}); one argument alone is the id`)
    .argument('[id]', 'activity id (1a.8/test) or task id (every phase in turn)')
    .option(...ROOT_OPTION)
    .option('--all', 'every attempt, not only the last')
    .option('-f, --follow', 'keep printing what is written, until the run ends (or Ctrl-C)')
    .option(
      '--raw',
      "on a terminal too, the log's bytes as written: control sequences act (as cat would)",
    )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  critpath logs tasks/epic-1a.yaml 1a.8/test       the last attempt of one phase',
        '  critpath logs tasks/epic-1a.yaml 1a.13 --all     every attempt of a task',
        '  critpath logs tasks/demo.yaml d.5 -f             follow it while the run goes on',
      ].join('\n'),
    )
    .action(
      async (namedFile: string | undefined, namedId: string | undefined, opts: LogsOptions) => {
        const named = fileAndId(ctx, 'logs', namedFile, namedId);
        if (named === undefined) return;
        const { file, id } = named;
        const project = await loadOrReport(ctx, file);
        if (project === undefined) return;
        const g = buildActivityGraph(project);
        const ids = g.activities.filter((a) => a.id === id || a.task.id === id).map((a) => a.id);
        if (ids.length === 0) {
          usageError(ctx, `${file}: ${unknownIdsText(withHints(g, project, [id]))}`);
          return;
        }
        const paths = statePaths(file, opts.root);
        const logs = ids.map((a) => join(paths.logs, logFileName(a)));
        const found = logs.filter((l) => existsSync(l));
        // -f waits for a log to appear while a run goes on; with none live, nothing will write it.
        const waits = opts.follow === true && liveRun(paths) !== undefined;
        if (found.length < logs.length && !waits) {
          reportMissing(ctx, { file, paths, ids, logs, id, root: opts.root });
          if (found.length === 0) return;
        }
        const shown = logText(ctx, opts);
        const readers = logs.map(() => new LogReader());
        logs.forEach((l, k) => {
          if (!found.includes(l)) return;
          // Followed, a character or a CRLF the read splits waits for the rest (LogReader).
          const pieces = readers[k]!.pieces(l, opts.follow === true, opts.all !== true);
          ctx.out.writeAll(mapped(pieces, shown));
        });
        if (opts.follow !== true) return;
        const seen = await follow(ctx, logs, readers, () => liveRun(paths) !== undefined, shown);
        if (!seen) reportMissing(ctx, { file, paths, ids, logs, id, root: opts.root });
      },
    );
}

/**
 * Says which of the activity's logs are gone though it ran, or, when it has no log at all, that
 * it has not run: exit 1 either way.
 */
function reportMissing(
  ctx: CliContext,
  w: {
    file: string;
    paths: StatePaths;
    ids: string[];
    logs: string[];
    id: string;
    root: string | undefined;
  },
): void {
  const show = logsShownFrom(ctx.cwd, w.file, w.root) ?? ((log: string) => log);
  const gone = goneLogs(w.file, w.paths, w.ids, w.logs, show);
  for (const line of gone) ctx.out.err(`critpath: ${line}`);
  if (gone.length > 0) ctx.exitCode = EXIT.failed;
  else if (!w.logs.some((l) => existsSync(l))) {
    ctx.out.err(`critpath: ${w.id} has no log yet (it has not run)`);
    ctx.exitCode = EXIT.failed;
  }
}

/**
 * Logs that are missing though the journal says their activity ran (deleted by hand, or the
 * logs folder cleaned): one line each, naming the log from where the command was typed (`show`).
 */
function goneLogs(
  file: string,
  paths: StatePaths,
  ids: readonly string[],
  logs: readonly string[],
  show: ShowLog,
): string[] {
  const state = readRunStateQuickly(paths) ?? readRunState(file, paths);
  return ids.flatMap((a, k) => {
    const last = state.activities.get(a)?.attempts.at(-1);
    if (last === undefined || existsSync(logs[k]!)) return [];
    return [`${a} ran, but its log ${show(last.log)} is gone (deleted or moved)`];
  });
}

/**
 * Prints what is appended to the logs until no run is live any more (then what is left);
 * whether any of the logs was there, at the start or since.
 */
async function follow(
  ctx: CliContext,
  logs: readonly string[],
  readers: readonly LogReader[],
  live: () => boolean,
  shown: (text: string) => string,
): Promise<boolean> {
  let seen = false;
  for (;;) {
    const running = live();
    logs.forEach((l, k) => {
      if (!existsSync(l)) return;
      seen = true;
      ctx.out.writeAll(mapped(readers[k]!.pieces(l, running, false), shown));
    });
    if (!running) return seen;
    await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
  }
}

/**
 * One log read as it grows: from where the last read ended (bytes read, not what they decoded
 * to), a chunk at a time (a training run's log may be gigabytes). While more is to come, a
 * character whose bytes a read split waits for the rest, and so does a carriage return that may
 * start a CRLF.
 */
class LogReader {
  private offset = 0;
  private readonly decoder = new StringDecoder('utf8');
  private held = '';
  private started = false;

  /**
   * What the log holds past the last read, in pieces; `more`: the writer may still add to it.
   * `lastOnly`: on the first read, start at the last attempt's header.
   */
  *pieces(path: string, more: boolean, lastOnly: boolean): Generator<string> {
    const fd = openLog(path);
    try {
      const size = fstatSync(fd).size;
      if (!this.started && lastOnly) this.offset = lastAttemptStart(fd, size);
      this.started = true;
      const buf = Buffer.alloc(Math.min(LOG_CHUNK, Math.max(size - this.offset, 0)));
      while (this.offset < size) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, size - this.offset), this.offset);
        if (n === 0) break;
        this.offset += n;
        const text = this.take(buf.subarray(0, n), more || this.offset < size);
        if (text !== '') yield text;
      }
      if (!more) {
        const rest = this.take(Buffer.alloc(0), false);
        if (rest !== '') yield rest;
      }
    } finally {
      closeSync(fd);
    }
  }

  /** The text of `bytes` after what was held back; `more`: more bytes follow. */
  private take(bytes: Buffer, more: boolean): string {
    let text = this.held + this.decoder.write(bytes);
    this.held = more && text.endsWith('\r') ? '\r' : '';
    if (this.held !== '') text = text.slice(0, -1);
    return more ? text : text + this.decoder.end();
  }
}

function* mapped(pieces: Iterable<string>, f: (text: string) => string): Generator<string> {
  for (const piece of pieces) yield f(piece);
}
