import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT, loadOrReport, runHolds, usageError } from '../context.js';
import { escapeLine } from '../../reporters/escape.js';
import { listed } from '../../reporters/format.js';
import { wrapProse } from '../../reporters/layout.js';
import { DEFAULT_FILE_HELP, ROOT_OPTION } from '../options.js';
import { resetActivities } from '../../app/reset.js';
import { unknownIdsText } from '../../app/resolve-ids.js';
import type { KeptHand } from '../../state/reset.js';

export function registerReset(program: Command, ctx: CliContext): void {
  program
    .command('reset')
    .description(
      'Forget run results so tasks run again: one task or activity, or all of them (hand records stay)',
    )
    .argument(
      '[file-and-ids...]',
      `task file (default: ${DEFAULT_FILE_HELP}), then task or activity ids (none: all)`,
    )
    .option(...ROOT_OPTION)
    .option('--keep-downstream', 'leave the results of activities downstream of these as they are')
    .addHelpText(
      'after',
      '\nExamples:\n  critpath reset tasks/demo.yaml\n  critpath reset tasks/epic-1a.yaml 1a.8',
    )
    .action(async (args: string[], opts: { root?: string; keepDownstream?: boolean }) => {
      const [first, ...rest] = args;
      // As `run` reads its arguments: the first is the file when it looks like one or exists.
      const isFile = first !== undefined && (/\.ya?ml$/i.test(first) || existsSync(first));
      const file = isFile ? first : ctx.defaultFile.file;
      const r = await resetActivities(
        {
          file,
          ids: isFile ? rest : args,
          keepDownstream: opts.keepDownstream === true,
          root: opts.root,
        },
        () => loadOrReport(ctx, file),
      );
      switch (r.kind) {
        case 'not-loaded':
          return;
        case 'unknown':
          return usageError(ctx, `${file}: ${unknownIdsText(r.ids)}`);
        case 'locked':
          ctx.out.err(`critpath: ${escapeLine(runHolds(file, r.holder))}`);
          ctx.exitCode = EXIT.failed;
          return;
        case 'reset': {
          const say = (line: string): void => ctx.out.out(wrapProse(line, ctx.out.columns));
          if (r.named === undefined)
            say(
              `reset: every activity${r.kept.length > 0 ? ' without hand records' : ''} will run again`,
            );
          else if (r.named.length > 0) say(`reset: ${listed(r.named, IDS_SHOWN)} will run again`);
          if (r.downstream.length > 0)
            say(
              `reset: downstream, so these run again too: ${listed(r.downstream, IDS_SHOWN)} (--keep-downstream to keep them)`,
            );
          if (r.kept.length > 0) say(keptLine(r.kept, file));
          for (const { id, pid } of r.stillRunning)
            ctx.out.err(
              wrapProse(
                `note: ${escapeLine(id)} still runs (process group ${pid}), left by a run that died; the next run stops it first (kill -- -${pid} stops it now)`,
                ctx.out.columns,
              ),
            );
        }
      }
    });
}

/**
 * `reset: kept 3 hand records (m: done by ann; rack: blocked); critpath undo FILE ID takes one
 * back`: what people recorded stays, and where it leaves each activity.
 */
function keptLine(kept: readonly KeptHand[], file: string): string {
  const n = kept.reduce((sum, k) => sum + k.records, 0);
  const each = kept
    .slice(0, KEPT_SHOWN)
    .map((k) => `${k.id}: ${k.state}${k.by !== undefined ? ` by ${k.by}` : ''}`);
  if (kept.length > KEPT_SHOWN) each.push(`${kept.length - KEPT_SHOWN} more activities`);
  return `reset: kept ${n} hand record${n === 1 ? '' : 's'} (${each.join('; ')}); critpath undo ${file} ID takes one back`;
}

/** Activities a line of the reset names, the rest counted; critpath status shows them all. */
const IDS_SHOWN = 20;

/** Activities the reset's line names whose hand records it kept; critpath status shows them all. */
const KEPT_SHOWN = 10;
