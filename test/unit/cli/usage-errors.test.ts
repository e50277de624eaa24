import { describe, expect, it } from 'vitest';
import { main, usageErrorLine } from '../../../src/cli/main.js';
import { memoryOutput } from '../../../src/reporters/terminal.js';

async function run(...argv: string[]): Promise<{ code: number; stderr: string }> {
  const out = memoryOutput();
  const code = await main(argv, out);
  return { code, stderr: out.stderr.join('\n') };
}

describe('usage errors', () => {
  it('are one line, critpath: like every other error, with the hint and where the usage is', async () => {
    const cases: [string[], string][] = [
      [['plna'], "unknown command 'plna' (did you mean plan?); critpath --help shows the usage"],
      [
        ['plan', '--teams', '2'],
        "unknown option '--teams' (did you mean --team?); critpath plan --help shows the usage",
      ],
      [
        ['plan', 'a', 'b'],
        "too many arguments for 'plan'. Expected 1 argument but got 2; critpath plan --help shows the usage",
      ],
      [
        ['completion'],
        "missing required argument 'shell'; critpath completion --help shows the usage",
      ],
    ];
    for (const [argv, said] of cases) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toBe(`critpath: ${said}`);
    }
  });

  it('help shown for a mistake exits 2; help asked for before a verb lists every verb', async () => {
    expect((await run('help', 'frob')).code).toBe(2);
    expect((await run()).code).toBe(2);
    const out = memoryOutput();
    expect(await main(['-h', 'plan'], out)).toBe(0);
    const help = out.stdout.join('\n');
    for (const verb of ['validate', 'plan', 'status', 'logs'])
      expect(help).toMatch(new RegExp(`^  ${verb} `, 'm'));
  });

  it('--version beside a bad word is a usage error naming it; with good words, the version', async () => {
    // It printed the version and exited 0, whatever else was on the line.
    const cases: [string[], string][] = [
      [['--version', '--bogus'], "unknown option '--bogus'; critpath --help"],
      [['--bogus', '--version'], "unknown option '--bogus'; critpath --help"],
      [['-Vx'], "unknown option '-x'; critpath --help"],
      [['--version', 'frob'], "unknown command 'frob'; critpath --help"],
      [['plan', '--bogus', '--version'], "unknown option '--bogus'; critpath plan --help"],
    ];
    for (const [argv, said] of cases) {
      const out = memoryOutput();
      expect(await main(argv, out), argv.join(' ')).toBe(2);
      expect(out.stdout, argv.join(' ')).toEqual([]);
      expect(out.stderr.join('\n'), argv.join(' ')).toBe(`critpath: ${said} shows the usage`);
    }
    for (const argv of [['--version'], ['-V', '--wide'], ['plan', '--version']]) {
      const out = memoryOutput();
      expect(await main(argv, out), argv.join(' ')).toBe(0);
      expect(out.stdout.join('\n'), argv.join(' ')).toMatch(/^\d+\.\d+\.\d+$/);
      expect(out.stderr, argv.join(' ')).toEqual([]);
    }
  });

  it('joins what commander says on several lines', () => {
    expect(usageErrorLine("error: unknown option '--x'\n(Did you mean --y?)\n", 'run')).toBe(
      "unknown option '--x' (did you mean --y?); critpath run --help shows the usage",
    );
    expect(usageErrorLine('error: something.', undefined)).toBe(
      'something; critpath --help shows the usage',
    );
  });
});
