import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { DEFAULT_FILE_HELP } from '../../../src/cli/options.js';
import { memoryOutput } from '../../../src/reporters/terminal.js';

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = memoryOutput();
  const code = await main(argv, out);
  return { code, stdout: out.stdout.join('\n'), stderr: out.stderr.join('\n') };
}

/** Help text with its wrapping undone. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

describe('the task file in each verb’s help', () => {
  it('is described by the one search order every verb uses', async () => {
    // run said "default tasks/epic-1a.yaml", status and cancel "critpath.yaml": each a half truth.
    const verbs = ['validate', 'plan', 'graph', 'run', 'status', 'reset', 'cancel', 'logs'];
    for (const verb of verbs) {
      const r = await run(verb, '--help', '--wide');
      expect(r.code, verb).toBe(0);
      expect(flat(r.stdout), verb).toContain(`task file (default: ${DEFAULT_FILE_HELP})`);
      expect(r.stdout, verb).not.toMatch(/default:? "?(critpath|tasks\/epic-1a)\.yaml/);
    }
    expect(DEFAULT_FILE_HELP).toMatch(
      /\.critpathrc.*package\.json.*critpath\.yaml, tasks\/epic-1a\.yaml$/,
    );
  });

  it('logs: the file may be left out, the id may not', async () => {
    // The help said the file could be left out, and the usage line made it required.
    const help = await run('logs', '--help');
    expect(help.stdout).toMatch(/^Usage: critpath logs \[options\] \[file\] <id>$/m);
    const none = await run('logs');
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('critpath: logs needs an activity id: critpath logs [FILE] ID');
  });
});
