import { describe, expect, it } from 'vitest';
import { ownState } from '../../../src/util/own-state.js';

describe('ownState', () => {
  const me = process.getuid!();
  const other = me === 12345 ? 12346 : 12345;

  it("takes this user's, root's and, with CRITPATH_SHARED_STATE=1, anyone's", () => {
    expect(ownState(me, {})).toBe(true);
    expect(ownState(0, {})).toBe(true);
    expect(ownState(other, {})).toBe(false);
    expect(ownState(other, { CRITPATH_SHARED_STATE: '1' })).toBe(true);
    expect(ownState(other, { CRITPATH_SHARED_STATE: '0' })).toBe(false);
  });

  it("under sudo, root takes the calling user's; no one else does", () => {
    expect(ownState(other, { SUDO_UID: String(other) })).toBe(me === 0);
    expect(ownState(other, { SUDO_UID: String(other + 1) })).toBe(false);
  });
});
