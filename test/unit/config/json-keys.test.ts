import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasDuplicateKey, keysParsed, keysWritten } from '../../../src/config/json-keys.js';

describe('duplicate JSON keys', () => {
  it('the keys JSON text writes are the keys its value has, at any indent', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 4 }), (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        expect(keysWritten(text)).toBe(keysParsed(JSON.parse(text)));
        expect(hasDuplicateKey(text, JSON.parse(text))).toBe(false);
      }),
    );
  });

  it('a key written twice in one object is found', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.nat(), (o, k) => {
        const keys = Object.keys(o);
        const dup = keys[k % keys.length]!;
        const text = `${JSON.stringify(o).slice(0, -1)},${JSON.stringify(dup)}:null}`;
        expect(hasDuplicateKey(text, JSON.parse(text))).toBe(true);
      }),
    );
  });

  it('a deep value is walked without recursion', () => {
    let text = '0';
    for (let i = 0; i < 50_000; i++) text = `{"k":${text}}`;
    expect(keysWritten(text)).toBe(50_000);
    expect(keysParsed(JSON.parse(text))).toBe(50_000);
  });
});
