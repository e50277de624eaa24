import { describe, expect, it } from 'vitest';
import { capableTerminal, colourWanted } from '../../../src/reporters/terminal.js';

describe('what the terminal is told', () => {
  it('TERM=dumb is no capable terminal: no colour, no cursor movement', () => {
    expect(capableTerminal({ isTTY: true }, {})).toBe(true);
    expect(capableTerminal({ isTTY: true }, { TERM: 'xterm-256color' })).toBe(true);
    expect(capableTerminal({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(capableTerminal({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({}, { TERM: 'dumb' }, false)).toBe(false);
  });

  it('--no-color, then FORCE_COLOR, then NO_COLOR, then the terminal decide colour', () => {
    const cases: [{ color?: boolean }, NodeJS.ProcessEnv, boolean, boolean][] = [
      [{}, {}, true, true],
      [{}, {}, false, false],
      [{ color: false }, { FORCE_COLOR: '1' }, true, false],
      // FORCE_COLOR=0 on a terminal printed colour; FORCE_COLOR=1 into a pipe printed none.
      [{}, { FORCE_COLOR: '0' }, true, false],
      [{}, { FORCE_COLOR: 'false' }, true, false],
      [{}, { FORCE_COLOR: '1' }, false, true],
      [{}, { FORCE_COLOR: '' }, false, true],
      [{}, { FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
      [{}, { NO_COLOR: '1' }, true, false],
      [{}, { NO_COLOR: '' }, true, true],
    ];
    for (const [opts, env, capable, want] of cases)
      expect(colourWanted(opts, env, capable), JSON.stringify([opts, env, capable])).toBe(want);
  });
});
