import { format } from 'date-fns';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT, usageError } from '../context.js';
import { projectJsonSchema } from '../../model/schema.js';
import { makeFolders } from '../../util/make-folders.js';
import { escapeTerminal } from '../../reporters/escape.js';
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

export function registerInit(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description('Write a commented starter task file (and its schema.json) to begin a project')
    .argument('[file]', 'task file to write', INIT_FILE)
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        `  critpath init                 writes ${INIT_FILE} and schema.json here; verbs read`,
        `                                ${INIT_FILE} when no file is named (critpath plan)`,
        '  critpath init tasks/lab.yaml  writes tasks/lab.yaml (refuses to overwrite a file)',
      ].join('\n'),
    )
    .action((file: string) => {
      const path = resolve(ctx.cwd, file);
      if (existsSync(path)) {
        usageError(ctx, `${file} already exists; init does not overwrite files (name another)`);
        return;
      }
      try {
        makeFolders(dirname(path));
        writeFileSync(path, starterTaskFile(format(new Date(), 'yyyy-MM-dd')), { flag: 'wx' });
        const schema = join(dirname(path), 'schema.json');
        if (!existsSync(schema)) {
          const json = { ...(projectJsonSchema() as object), title: 'critpath task file' };
          writeFileSync(schema, `${JSON.stringify(json, null, 2)}\n`, { flag: 'wx' });
        }
      } catch (e) {
        ctx.out.err(
          `critpath: cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
        );
        ctx.exitCode = EXIT.usage;
        return;
      }
      // The name as typed, its control characters shown (colour stays on for critpath's own).
      const shown = escapeTerminal(file);
      ctx.out.out(
        [
          `wrote ${shown}`,
          'next:',
          `  critpath validate ${shown}`,
          `  critpath plan ${shown} --team 2`,
          `  critpath run ${shown} --dry-run`,
        ].join('\n'),
      );
    });
}
