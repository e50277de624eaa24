import { describe, expect, it } from 'vitest';
import type { RelaunchHost } from '../../../src/cli/relaunch.js';
import {
  RELAUNCH_MIN_BYTES,
  relaunchForHugeInput,
  shouldRelaunch,
  thpModeOf,
} from '../../../src/cli/relaunch.js';

const HUGE = RELAUNCH_MIN_BYTES;

/** A Linux host in THP `madvise` mode where big.json is huge and small.json is not. */
function host(over: Partial<RelaunchHost> = {}): RelaunchHost {
  return {
    platform: 'linux',
    env: {},
    thpMode: () => 'madvise',
    fileSize: (p) => ({ 'big.json': HUGE, 'small.json': HUGE - 1 })[p],
    ...over,
  };
}

describe('shouldRelaunch', () => {
  it('relaunches the reading verbs on a huge task file, wherever the file is named', () => {
    for (const argv of [
      ['plan', 'big.json'],
      ['plan', '--team', '3', 'big.json', '--json'],
      ['--no-color', 'validate', 'big.json'],
      ['graph', 'big.json', '--format', 'dot'],
      ['status', 'big.json'],
    ])
      expect(shouldRelaunch(argv, host()), argv.join(' ')).toBe(true);
  });

  it('does not relaunch below the size, without a file, or for verbs that run or record work', () => {
    for (const argv of [
      ['plan', 'small.json'],
      ['plan'],
      ['plan', '--out', 'missing.json'],
      ['run', 'big.json'],
      ['done', 'big.json', 'a'],
      ['big.json'],
      ['--version'],
      [],
    ])
      expect(shouldRelaunch(argv, host()), argv.join(' ')).toBe(false);
  });

  it('takes an option given as a word after the verb for a file only where it is one', () => {
    const sizes: Record<string, number> = { '3': HUGE };
    expect(shouldRelaunch(['plan', '--team', '3'], host({ fileSize: (p) => sizes[p] }))).toBe(true);
    expect(shouldRelaunch(['plan', '--team', '3'], host({ fileSize: () => undefined }))).toBe(
      false,
    );
  });

  it('changes nothing elsewhere: other systems, THP always or never, the user’s own tunables, the opt-out', () => {
    const argv = ['plan', 'big.json'];
    expect(shouldRelaunch(argv, host({ platform: 'darwin' }))).toBe(false);
    expect(shouldRelaunch(argv, host({ thpMode: () => 'always' }))).toBe(false);
    expect(shouldRelaunch(argv, host({ thpMode: () => 'never' }))).toBe(false);
    expect(shouldRelaunch(argv, host({ thpMode: () => undefined }))).toBe(false);
    expect(
      shouldRelaunch(argv, host({ env: { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' } })),
    ).toBe(false);
    expect(shouldRelaunch(argv, host({ env: { CRITPATH_NO_RELAUNCH: '1' } }))).toBe(false);
  });

  it('never relaunches a relaunched process', () => {
    expect(shouldRelaunch(['plan', 'big.json'], host({ env: { CRITPATH_RELAUNCHED: '1' } }))).toBe(
      false,
    );
  });
});

describe('relaunchForHugeInput', () => {
  it('in a relaunched process: runs here, with the user’s environment back', async () => {
    const env: Record<string, string | undefined> = {
      CRITPATH_RELAUNCHED: '1',
      GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1',
      HOME: '/home/x',
    };
    // The file is huge and the mode is madvise: only the marker keeps it from starting a third.
    expect(await relaunchForHugeInput(['plan', 'big.json'], host({ env }))).toBeUndefined();
    expect(env).toEqual({ HOME: '/home/x' });
  });

  it('runs here when it should not relaunch', async () => {
    expect(await relaunchForHugeInput(['plan', 'small.json'], host())).toBeUndefined();
  });
});

describe('thpModeOf', () => {
  it('reads the bracketed mode of the kernel file', () => {
    expect(thpModeOf('always [madvise] never\n')).toBe('madvise');
    expect(thpModeOf('[always] madvise never\n')).toBe('always');
    expect(thpModeOf('always madvise [never]\n')).toBe('never');
    expect(thpModeOf('')).toBeUndefined();
  });
});
