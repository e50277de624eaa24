import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import type { Output } from '../reporters/terminal.js';
import { processOutput } from '../reporters/terminal.js';
import { escapeLine } from '../reporters/escape.js';
import type { CliContext } from './context.js';
import { EXIT } from './context.js';
import { fitHelp } from './help-text.js';
import { EnvironmentError, InputLimitError } from '../result.js';
import { defaultTaskFile } from '../config/default-file.js';
import { flushProjectCacheWrites } from '../config/project-cache.js';

type Register = (program: Command, ctx: CliContext) => void;

/**
 * The verbs, in help order. Each verb's module (and what it needs: yaml, zod, the planner, the
 * executor…) is imported only when that verb runs; help over every verb imports them all.
 */
const VERBS: Readonly<Record<string, () => Promise<Register>>> = {
  validate: async () => (await import('./commands/validate.js')).registerValidate,
  plan: async () => (await import('./commands/plan.js')).registerPlan,
  graph: async () => (await import('./commands/graph.js')).registerGraph,
  run: async () => (await import('./commands/run.js')).registerRun,
  status: async () => (await import('./commands/status.js')).registerStatus,
  reset: async () => (await import('./commands/reset.js')).registerReset,
  start: async () => (await import('./commands/hand.js')).registerHand,
  done: async () => (await import('./commands/hand.js')).registerHand,
  undo: async () => (await import('./commands/hand.js')).registerHand,
  block: async () => (await import('./commands/hand.js')).registerHand,
  cancel: async () => (await import('./commands/cancel.js')).registerCancel,
  logs: async () => (await import('./commands/logs.js')).registerLogs,
  init: async () => (await import('./commands/init.js')).registerInit,
  completion: async () => (await import('./commands/completion.js')).registerCompletion,
};

/** Verbs that need every verb registered: completion lists them all. */
const NEEDS_ALL = new Set(['completion']);

/** `critpath -h plan`: the program's help (listing every verb), asked before the verb. */
function rootHelp(argv: readonly string[], verb: string): boolean {
  const help = argv.findIndex((a) => a === '-h' || a === '--help');
  return help >= 0 && help < argv.indexOf(verb);
}

/** `critpath --version` without a verb (nor help, which lists the verbs): no verb is loaded. */
const versionOnly = (argv: readonly string[]): boolean =>
  argv.some((a) => a === '--version' || a === '-V') &&
  !argv.some((a) => a === '--help' || a === '-h');

/**
 * Answers `--version` once the whole command line parsed: prints the version and stops (the
 * CommanderError main takes as exit 0) before any verb runs. commander's own `.version()`
 * printed it the moment it met the option, so `critpath --version --bogus` said the version and
 * exited 0 where any other bad option is a usage error.
 */
function answerVersion(program: Command, ctx: CliContext): void {
  if (program.opts()['version'] !== true) return;
  ctx.out.out(VERSION);
  throw new CommanderError(EXIT.ok, 'commander.version', VERSION);
}

/** Set by the bundler for the single-file build (scripts/bundle.mjs); else read from package.json. */
declare const __CRITPATH_VERSION__: string | undefined;
const VERSION =
  typeof __CRITPATH_VERSION__ === 'string'
    ? __CRITPATH_VERSION__
    : (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** Runs the CLI and returns the exit code; the only place that decides one. */
export async function main(
  argv: readonly string[],
  out?: Output,
  cwd = process.cwd(),
): Promise<number> {
  const color = !argv.includes('--no-color');
  const wide = argv.includes('--wide');
  const ctx: CliContext = {
    out: out ?? processOutput({ color, wide }),
    cwd,
    exitCode: EXIT.ok,
    defaultFile: defaultTaskFile(cwd),
    operands: [],
    verb: undefined,
  };
  const program = new Command('critpath')
    .description('Plan and run GPU infrastructure bring-up as a task graph')
    .option('-V, --version', 'output the version number')
    .option('--no-color', 'disable colours (NO_COLOR is honoured too)')
    .option('--wide', "full tables, however wide (default: fit the terminal's width)")
    .addHelpText(
      'after',
      [
        '',
        'The usual workflow:',
        '  critpath init lab.yaml                 a starter task file',
        '  critpath validate lab.yaml             check it',
        '  critpath plan lab.yaml --team 2        who does what, day by day, and the end date',
        '  critpath run lab.yaml --dry-run        the order it would run in',
        '  critpath run lab.yaml                  run it (Ctrl-C stops; run again to resume)',
        '  critpath status lab.yaml --watch       follow it from another terminal',
        "  critpath logs lab.yaml 1a.8/test       an activity's log",
        '',
        // One line: fitHelp wraps it to the width, once.
        [
          'Every verb has examples: critpath VERB --help. Without a file, a verb reads the default:',
          'the nearest folder, this one or one above it, holding one of these decides, looked for in',
          'this order: a .critpathrc naming the file, a package.json "critpath" key naming it,',
          'critpath.yaml (what critpath init writes), tasks/epic-1a.yaml.',
        ].join(' '),
      ].join('\n'),
    )
    .configureOutput({
      // Said in one line by main, from the CommanderError that follows (usageErrorLine).
      outputError: () => undefined,
      writeOut: (s) => ctx.out.out(fitHelp(s.trimEnd(), ctx.out.columns)),
      writeErr: (s) => ctx.out.err(fitHelp(s.trimEnd(), ctx.out.columns)),
      // The views' width (COLUMNS where a terminal reports none; Infinity with --wide), not
      // commander's own guess (80 when piped, the terminal's columns even when it reports 0).
      getOutHelpWidth: () => ctx.out.columns,
      getErrHelpWidth: () => ctx.out.columns,
    })
    .exitOverride()
    .hook('preAction', (_program, verb) => {
      answerVersion(program, ctx);
      ctx.operands = verb.args;
      ctx.verb = verb.name();
    });
  // The program's own options take no values, so the first other word names the verb.
  const verb = argv.find((a) => !a.startsWith('-'));
  const wanted =
    verb !== undefined &&
    Object.hasOwn(VERBS, verb) &&
    !NEEDS_ALL.has(verb) &&
    !rootHelp(argv, verb)
      ? [verb]
      : verb === undefined && versionOnly(argv)
        ? []
        : Object.keys(VERBS);
  // One module may register several verbs (start, done, undo, block): each registers once.
  for (const register of new Set(await Promise.all(wanted.map((v) => VERBS[v]!()))))
    register(program, ctx);
  for (const c of program.commands) c.exitOverride().configureOutput(program.configureOutput());

  try {
    await program.parseAsync(['node', 'critpath', ...argv]);
    // No verb ran (`critpath --version` alone): its words were all good.
    answerVersion(program, ctx);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help shown for a mistake (`critpath help frob`, or no verb at all) went to stderr: exit 2.
      if (e.code === 'commander.help' && e.exitCode !== 0) return EXIT.usage;
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      ) {
        return EXIT.ok;
      }
      if (e.code === 'commander.executeSubCommandAsync') return EXIT.failed;
      const known = verb !== undefined && Object.hasOwn(VERBS, verb) ? verb : undefined;
      ctx.out.err(`critpath: ${escapeLine(usageErrorLine(e.message, known))}`);
      return EXIT.usage;
    }
    if (e instanceof EnvironmentError || e instanceof InputLimitError) {
      ctx.out.err(`critpath: ${escapeLine(e.message)}`);
      return EXIT.usage;
    }
    ctx.out.err(
      `critpath: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );
    ctx.out.err('This is a bug in critpath; please report it with the command you ran.');
    return EXIT.failed;
  } finally {
    // A project cache entry that a load deferred until the output was written.
    flushProjectCacheWrites();
  }
  return ctx.exitCode;
}

/**
 * commander's usage error (`error: unknown option '--teams'` and, on lines of their own, hints
 * such as `(Did you mean --team?)`) as one line, with where the usage is:
 * `unknown option '--teams' (did you mean --team?); critpath plan --help shows the usage`.
 */
export function usageErrorLine(message: string, verb: string | undefined): string {
  const [first = '', ...rest] = message
    .replace(/^error: /, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const hints = rest
    .map((l) => l.replace(/^\((.*)\)$/, '$1'))
    .map((l) => `${l.charAt(0).toLowerCase()}${l.slice(1)}`);
  const said = first.replace(/\.$/, '');
  const text = hints.length > 0 ? `${said} (${hints.join('; ')})` : said;
  return `${text}; critpath ${verb === undefined ? '' : `${verb} `}--help shows the usage`;
}
