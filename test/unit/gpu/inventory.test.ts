import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkPciOrder,
  detectInventory,
  parseGpuCsv,
  parseGpuOption,
} from '../../../src/gpu/inventory.js';

const csv = readFileSync(
  resolve(import.meta.dirname, '../../fixtures/exec/nvidia-smi-4x.csv'),
  'utf8',
);

describe('inventory', () => {
  it('parses nvidia-smi CSV with its header', () => {
    const r = parseGpuCsv(csv);
    expect(r.ok && r.gpus.map((g) => [g.index, g.busId])).toEqual([
      [0, '00000000:01:00.0'],
      [1, '00000000:21:00.0'],
      [2, '00000000:41:00.0'],
      [3, '00000000:61:00.0'],
    ]);
    expect(parseGpuCsv('garbage line').ok).toBe(false);
  });

  it('warns when nvidia-smi order is not PCI bus order', () => {
    const r = parseGpuCsv(csv);
    if (!r.ok) throw new Error('parse');
    expect(checkPciOrder(r.gpus)).toBeUndefined();
    const swapped = r.gpus.map((g) => (g.index === 0 ? { ...g, busId: '00000000:81:00.0' } : g));
    expect(checkPciOrder(swapped)).toMatch(/not PCI bus order/);
  });

  it('reads --gpus as a count or a list', () => {
    expect(parseGpuOption('4')).toEqual({ kind: 'count', count: 4 });
    expect(parseGpuOption('0,2')).toEqual({ kind: 'list', indices: [0, 2] });
    expect(parseGpuOption('x').kind).toBe('error');
  });

  it('finds no GPUs when nvidia-smi is missing', async () => {
    const inv = await detectInventory({ kind: 'none' }, '/nonexistent/nvidia-smi');
    expect(inv.gpus).toEqual([]);
    const sim = await detectInventory({ kind: 'list', indices: [1, 3] }, '/nonexistent/nvidia-smi');
    expect(sim.gpus.map((g) => [g.index, g.simulated])).toEqual([
      [1, true],
      [3, true],
    ]);
  });
});
