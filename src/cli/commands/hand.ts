import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT, fileAndId, loadOrReport, usageError } from '../context.js';
import type { HandRequest } from '../../app/hand-work.js';
import { escapeLine } from '../../reporters/escape.js';
import { wrapProse } from '../../reporters/layout.js';
import { listed } from '../../reporters/format.js';
import { recordHandWork } from '../../app/hand-work.js';
import { DEFAULT_FILE_HELP, ROOT_OPTION } from '../options.js';
import type { HandAction } from '../../state/records.js';

interface HandOptions {
  by?: string;
  at?: string;
  hours?: string;
  reason?: string;
  root?: string;
}

/**
 * What an undo of a done activity leaves: work after it that is done, as though it were. Such
 * work keeps its result (nothing recorded is lost); `reset` of the activity forgets it.
 */
function staleNote(file: string, id: string, after: readonly string[]): string {
  const list = listed(after.map(escapeLine), 3);
  const are = after.length === 1 ? 'is' : 'are';
  return `note: ${list} ${are} done and come${after.length === 1 ? 's' : ''} after ${escapeLine(id)}, which no longer is; critpath reset ${escapeLine(file)} ${escapeLine(id)} runs ${after.length === 1 ? 'it' : 'them'} again (hand records stay)`;
}

const AT_HELP = 'when: YYYY-MM-DD HH:MM, YYYY-MM-DD or HH:MM today, local time (default: now)';

/** The hand-work verbs: start, done, undo, block. Each appends one record to the journal. */
export function registerHand(program: Command, ctx: CliContext): void {
  const verb = (action: HandAction, description: string): Command =>
    program
      .command(action)
      .description(description)
      // The file may be left out, the id may not: one argument alone is the id.
      .usage('[options] [file] <id>')
      .argument('[file]', `task file (default: ${DEFAULT_FILE_HELP}); one argument alone is the id`)
      .argument('[id]', 'activity (or task of one phase)')
      .option(...ROOT_OPTION)
      .action(
        async (namedFile: string | undefined, namedId: string | undefined, opts: HandOptions) => {
          const named = fileAndId(ctx, action, namedFile, namedId);
          if (named === undefined) return;
          const { file, id } = named;
          const project = await loadOrReport(ctx, file);
          if (project === undefined) return;
          const { root, ...rest } = opts;
          const req: HandRequest = { action, id, file, ...rest };
          const r = recordHandWork(file, project, req, Date.now(), root);
          if (!r.ok) {
            // Refused while a run holds the work, as `run` and `reset` are: exit 1, not a usage error.
            if (r.error.kind === 'run-in-progress') {
              ctx.out.err(`critpath: ${escapeLine(r.error.message)}`);
              ctx.exitCode = EXIT.failed;
              return;
            }
            // An id the file does not have is the file's to name, as `logs` does.
            const inFile = r.error.kind === 'unknown-id' || r.error.kind === 'phased-task';
            return usageError(ctx, inFile ? `${file}: ${r.error.message}` : r.error.message);
          }
          const rec = r.value.record;
          const who = rec.by === undefined ? '' : ` by ${rec.by}`;
          const what =
            action === 'start'
              ? `started${who}`
              : action === 'done'
                ? `done${who}${rec.hours === undefined ? '' : `, ${rec.hours} h`}`
                : action === 'undo'
                  ? 'its last hand record is undone'
                  : `blocked: ${escapeLine(rec.reason ?? '')}`;
          ctx.out.out(`${rec.id}: ${what}`);
          const after = r.value.doneDownstream;
          if (after.length > 0)
            ctx.out.err(wrapProse(staleNote(file, rec.id, after), ctx.out.columns));
        },
      );
  const examples = (...lines: string[]): string =>
    `\nExamples:\n${lines.map((l) => `  critpath ${l}`).join('\n')}`;
  verb('start', 'Record that someone started an activity by hand')
    .option('--by <person>', 'who (a declared person of the team)')
    .option('--at <time>', AT_HELP)
    .addHelpText(
      'after',
      examples(
        'start tasks/epic-1a.yaml 1a.4 --by infra',
        'start tasks/epic-1a.yaml 1a.8/prep --at "2026-12-01 13:30"',
      ),
    );
  verb('done', 'Record that an activity was done by hand, with the engineer hours it took')
    .option('--hours <h>', 'engineer hours it took (default: the time since start)')
    .option('--by <person>', 'who (a declared person of the team)')
    .option('--at <time>', AT_HELP)
    .addHelpText(
      'after',
      examples(
        'done tasks/epic-1a.yaml 1a.4',
        'done tasks/epic-1a.yaml 1a.1 --hours 2.5 --at 11:30',
      ),
    );
  verb('undo', "Take back an activity's last hand record (start, done or block)").addHelpText(
    'after',
    examples('undo tasks/epic-1a.yaml 1a.4'),
  );
  verb('block', 'Record that an activity is blocked, and why')
    .requiredOption('--reason <text>', 'why it is blocked')
    .option('--by <person>', 'who says so')
    .option('--at <time>', AT_HELP)
    .addHelpText(
      'after',
      examples('block tasks/epic-1a.yaml 1a.3 --reason "waiting for the BIOS update"'),
    );
}
