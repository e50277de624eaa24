import { describe, expect, it } from 'vitest';
import { escapeTerminal } from '../../../src/reporters/escape.js';
import { blockingWrites, memoryOutput, writeChunks } from '../../../src/reporters/terminal.js';

describe('writeChunks', () => {
  const written = (chunks: string[]): string => {
    const out: string[] = [];
    writeChunks(chunks, (t) => void out.push(t));
    return out.join('');
  };

  it('prints what out prints: the text escaped, with its newline', () => {
    const text = 'a\u009bb\u001b[31mred\u001b[39m\r\nc\rd';
    for (let cut = 0; cut <= text.length; cut++) {
      expect(written([text.slice(0, cut), text.slice(cut)])).toBe(
        `${escapeTerminal(text, true)}\n`,
      );
    }
    expect(written([])).toBe('\n');
    expect(written(['x\n'])).toBe('x\n');
  });

  it('keeps an SGR sequence or CR LF cut by a megabyte write whole', () => {
    const big = 'x'.repeat((1 << 20) - 3);
    for (const end of ['\u001b[3', '\u001b', '\r']) {
      const text = `${big}${end}${end === '\r' ? '\n' : '1m'}tail`;
      expect(written([`${big}${end}`, text.slice(big.length + end.length)])).toBe(
        `${escapeTerminal(text, true)}\n`,
      );
    }
  });

  it('is one stdout entry in a memory output, as out would make', () => {
    const o = memoryOutput();
    o.outChunks(['{', '\n}', '\u0085']);
    expect(o.stdout).toEqual([escapeTerminal('{\n}\u0085', true)]);
  });
});

describe('blockingWrites', () => {
  const streamWith = (isTTY: boolean, result = 0) => {
    const calls: boolean[] = [];
    const stream = {
      isTTY,
      _handle: {
        setBlocking: (on: boolean) => {
          calls.push(on);
          return result;
        },
      },
    } as unknown as NodeJS.WriteStream;
    return { stream, calls };
  };

  it('makes a pipe block until undone', () => {
    const { stream, calls } = streamWith(false);
    const restore = blockingWrites(stream);
    expect(calls).toEqual([true]);
    restore();
    expect(calls).toEqual([true, false]);
  });

  it('leaves terminals, streams without a handle and failed calls alone', () => {
    const tty = streamWith(true);
    blockingWrites(tty.stream)();
    expect(tty.calls).toEqual([]);
    const failed = streamWith(false, -22);
    blockingWrites(failed.stream)();
    expect(failed.calls).toEqual([true]);
    expect(() => blockingWrites({} as NodeJS.WriteStream)()).not.toThrow();
  });
});
