import { format } from 'date-fns';
import { lstatSync, rmdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { usageError } from '../context.js';
import { projectJsonSchema } from '../../model/schema.js';
import { makeFolders } from '../../util/make-folders.js';
import { readRegularFile } from '../../util/regular-file.js';
import { writeNewFile } from '../../util/whole-file.js';
import { escapeTerminal } from '../../reporters/escape.js';
import { describeIoError } from '../../result.js';
import { STARTER_TASK_FILE } from '../../config/default-file.js';

/** The task file `critpath init` writes when none is named: verbs read it when none is named. */
export const INIT_FILE = STARTER_TASK_FILE;

/**
 * A starter task file: the schema line (editors complete and check keys with it), one MacBook
 * task, one hybrid task (prep on the MacBook, then a test on the GPU host) and one GPU task.
 */
export function starterTaskFile(today: string): string {
  return `# yaml-language-server: $schema=./schema.json
#
# A critpath task file. Check it, plan it, run it:
#   critpath validate FILE
#   critpath plan FILE --team 2
#   critpath run FILE --dry-run
# Hours are a range (low-high) or one figure; a task runs on the MacBook or on the GPU host.
project: My GPU lab
start: ${today}          # plans start on the first working day from this date
hoursPerDay: 8
hardware:
  gpuModel: H100
  gpu:
    - { count: 4, from: ${today} }   # the GPU host and when it arrives

tasks:
  # A MacBook task: no GPU.
  - id: "1"
    title: Dev environment
    hours: 2-3
    hardware: macbook
    run: "echo install the tools"

  # A hybrid task: written on the MacBook, then tested on the GPU host.
  - id: "2"
    title: NVIDIA drivers
    deps: ["1"]
    phases:
      - { name: prep, title: write the playbook, hours: 2-4, hardware: macbook, run: "echo write" }
      - name: test
        title: install and test on the hardware
        hours: 4-6
        hardware: gpu
        gpus: all            # a driver install holds every GPU
        timeout: 2h
        run: "nvidia-smi"

  # A GPU task: runs on one GPU once the drivers are in.
  - id: "3"
    title: PyTorch smoke test
    hours: 1-2
    hardware: gpu
    gpus: 1
    deps: ["2"]
    run: "python3 -c 'import torch; print(torch.cuda.is_available())'"
`;
}

/** Whether something (a file, a folder, a link, even one to nothing) is at `path`. */
function taken(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The task file to write for `file` as typed: inside it, as critpath.yaml, when it names a folder
 * (it ends in `/`, is `.` or `..`, or is an existing folder); else `file` itself.
 */
function initTarget(cwd: string, file: string): string {
  let folder = file.endsWith('/') || file.endsWith(sep) || ['.', '..'].includes(basename(file));
  try {
    folder ||= statSync(resolve(cwd, file)).isDirectory();
  } catch {
    // Nothing there (or a path that cannot hold it): a file to write, whose error says why.
  }
  return folder ? join(file, INIT_FILE) : file;
}

/** The schema.json init writes beside the task file (editors complete and check keys with it). */
function schemaText(): string {
  const json = { ...(projectJsonSchema() as object), title: 'critpath task file' };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/**
 * Writes schema.json in the task file's folder, unless something is there already: then, when it
 * is not the schema init writes, the line that says it was kept (the task file points at it).
 */
function writeSchema(path: string, target: string): string | undefined {
  const text = schemaText();
  if (!taken(path)) {
    writeNewFile(path, text);
    return undefined;
  }
  if (regularFileText(path) === text) return undefined;
  const schema = escapeTerminal(join(dirname(target), 'schema.json'));
  return `kept the ${schema} already there, not the schema init writes: ${escapeTerminal(target)}'s first line points editors at it`;
}

/** The text of the regular file at `path` (through a link); undefined for anything else. */
function regularFileText(path: string): string | undefined {
  const r = readRegularFile(path);
  return Buffer.isBuffer(r) ? r.toString('utf8') : undefined;
}

/** Why plain `init` cannot write its default file, when a folder has that name. */
function defaultNameTaken(ctx: CliContext): string | undefined {
  if (ctx.operands.length > 0) return undefined;
  try {
    if (!statSync(resolve(ctx.cwd, INIT_FILE)).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  return `${INIT_FILE} here is a folder, and verbs would take it for the task file; move it, or name the file to write (critpath init lab.yaml)`;
}

export function registerInit(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description('Write a commented starter task file (and its schema.json) to begin a project')
    .argument('[file]', `task file to write, or a folder to write ${INIT_FILE} in`, INIT_FILE)
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        // One line an example: fitHelp wraps it under its description, once.
        `  critpath init                 writes ${INIT_FILE} and schema.json here; verbs read ${INIT_FILE} when no file is named (critpath plan)`,
        '  critpath init tasks/lab.yaml  writes tasks/lab.yaml (refuses to overwrite a file)',
        `  critpath init lab/            writes lab/${INIT_FILE}: a name ending in / (or an existing folder) is the folder to write in`,
      ].join('\n'),
    )
    .action((file: string) => {
      if (file === '')
        return usageError(ctx, `init needs a file name, or none (it writes ${INIT_FILE})`);
      const folder = defaultNameTaken(ctx);
      if (folder !== undefined) return usageError(ctx, folder);
      const target = initTarget(ctx.cwd, file);
      // The name as typed, its control characters shown (colour stays on for critpath's own).
      const shown = escapeTerminal(target);
      const path = resolve(ctx.cwd, target);
      if (taken(path))
        return usageError(
          ctx,
          `${shown} already exists; init does not overwrite files (name another)`,
        );
      let made: string[] = [];
      try {
        made = makeFolders(dirname(path));
        writeNewFile(path, starterTaskFile(format(new Date(), 'yyyy-MM-dd')));
      } catch (e) {
        // Nothing is left behind: the folders made for it go too (they hold nothing else).
        for (const d of made.reverse()) removeEmptyFolder(d);
        return usageError(ctx, `cannot write ${describeIoError(shown, e)}`);
      }
      let kept: string | undefined;
      try {
        kept = writeSchema(join(dirname(path), 'schema.json'), target);
      } catch (e) {
        const schema = escapeTerminal(join(dirname(target), 'schema.json'));
        return usageError(ctx, `wrote ${shown}, but cannot write ${describeIoError(schema, e)}`);
      }
      ctx.out.out(
        [
          ...(made.length === 0
            ? []
            : [
                `made ${made.length === 1 ? 'the folder' : `${made.length} folders, down to`} ${escapeTerminal(dirname(target))}`,
              ]),
          `wrote ${shown}`,
          ...(kept === undefined ? [] : [kept]),
          'next:',
          `  critpath validate ${shown}`,
          `  critpath plan ${shown} --team 2`,
          `  critpath run ${shown} --dry-run`,
        ].join('\n'),
      );
    });
}

/** Removes folder `d` if it is empty (it was made here, and nothing was written to it). */
function removeEmptyFolder(d: string): void {
  try {
    rmdirSync(d);
  } catch {
    /* not empty, or gone: left as it is */
  }
}
