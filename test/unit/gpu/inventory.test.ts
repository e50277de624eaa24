import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  checkPciOrder,
  detectInventory,
  mayExist,
  parseGpuCsv,
  MAX_GPUS,
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

  it('refuses a GPU listed twice, by index or by UUID: two commands would share it', () => {
    // A run handed out "GPUs 0,0" and exited 13 without a word, or waited for ever.
    const sameSlot = parseGpuCsv('0, GPU-a, 00000000:01:00.0\n0, GPU-b, 00000000:02:00.0\n');
    expect(sameSlot).toEqual({
      ok: false,
      message:
        'nvidia-smi lists GPU index 0 twice ("0, GPU-b, 00000000:02:00.0"); its GPUs are not used',
    });
    const sameGpu = parseGpuCsv('0, GPU-a, 00000000:01:00.0\n1, GPU-a, 00000000:01:00.0\n');
    expect(sameGpu.ok || sameGpu.message).toMatch(/^nvidia-smi lists GPU GPU-a twice/);
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
    // GPU 0 alone is a list of one; an index twice is a mistake, not a smaller list.
    expect(parseGpuOption('0,')).toEqual({ kind: 'list', indices: [0] });
    expect(parseGpuOption('2,0')).toEqual({ kind: 'list', indices: [0, 2] });
    expect(parseGpuOption('0,1,0')).toEqual({
      kind: 'error',
      message: '--gpus names GPU 0 twice, in "0,1,0"',
    });
  });

  it(`--gpus names at most ${MAX_GPUS} GPUs: a count, or indices below it`, () => {
    expect(parseGpuOption(String(MAX_GPUS))).toEqual({ kind: 'count', count: MAX_GPUS });
    expect(parseGpuOption(`${MAX_GPUS - 1},`)).toEqual({ kind: 'list', indices: [MAX_GPUS - 1] });
    // A million slots overflowed the stack; a billion ran out of memory making them.
    for (const text of [String(MAX_GPUS + 1), '999999999', `0,${MAX_GPUS}`, '0,99999999999'])
      expect(parseGpuOption(text), text).toEqual({
        kind: 'error',
        message: `--gpus names at most ${MAX_GPUS} GPUs (a count up to ${MAX_GPUS}, indices 0 to ${MAX_GPUS - 1}), got "${text}"`,
      });
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

  it('tells a program that cannot be run from one that may be, without running it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'critpath-inventory-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'tool'), '');
    expect(mayExist('tool', { PATH: `/nonexistent:${dir}` })).toBe(true);
    expect(mayExist('tool', { PATH: '/nonexistent' })).toBe(false);
    expect(mayExist('tool', { PATH: '' })).toBe(false);
    expect(mayExist(join(dir, 'tool'), { PATH: '' })).toBe(true);
    expect(mayExist(join(dir, 'other'), { PATH: dir })).toBe(false);
    // No PATH: the spawn's default search decides.
    expect(mayExist('tool', {})).toBe(true);
  });

  it('asks nvidia-smi for the topology unless told not to', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'critpath-inventory-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const smi = join(dir, 'nvidia-smi');
    const calls = join(dir, 'calls');
    writeFileSync(
      smi,
      `#!/bin/sh\necho "$1" >> ${calls}\nif [ "$1" = topo ]; then echo TOPO; else cat ${resolve(import.meta.dirname, '../../fixtures/exec/nvidia-smi-4x.csv')}; fi\n`,
    );
    chmodSync(smi, 0o755);
    const full = await detectInventory({ kind: 'none' }, smi);
    expect(full.gpus).toHaveLength(4);
    expect(full.topology).toBe('TOPO\n');
    writeFileSync(calls, '');
    const count = await detectInventory({ kind: 'none' }, smi, undefined, { topology: false });
    expect(count.gpus).toEqual(full.gpus);
    expect(count.topology).toBeUndefined();
    expect(readFileSync(calls, 'utf8')).toBe('--query-gpu=index,uuid,pci.bus_id\n');
  });

  it('warns once, naming the exit status and the first line it wrote, when nvidia-smi fails', async () => {
    // It exits 9 when the driver does not answer: critpath fell back to no GPUs without a word.
    const dir = mkdtempSync(join(tmpdir(), 'critpath-inventory-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const smi = join(dir, 'nvidia-smi');
    writeFileSync(
      smi,
      "#!/bin/sh\nprintf '\\nNVIDIA-SMI has failed because it couldn\\047t communicate with the NVIDIA driver.\\033[2J\\nMake sure the driver runs.\\n' >&2\nexit 9\n",
    );
    chmodSync(smi, 0o755);
    const said = `${smi} exited with status 9: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\\u001b[2J"`;
    const none = await detectInventory({ kind: 'none' }, smi);
    expect(none.gpus).toEqual([]);
    expect(none.warnings).toEqual([]);
    expect(none.gpuWarnings).toEqual([
      `${said}; critpath takes this host to have no GPUs: GPU work is blocked (--gpus N simulates N slots)`,
    ]);
    const list = await detectInventory({ kind: 'list', indices: [0, 2] }, smi);
    expect(list.gpus.map((g) => [g.index, g.simulated])).toEqual([
      [0, true],
      [2, true],
    ]);
    expect(list.gpuWarnings).toEqual([
      `${said}; critpath uses the GPUs --gpus names (0,2) as simulated slots`,
    ]);
    // The real nvidia-smi says why on standard output, and only there: that line is quoted.
    writeFileSync(
      smi,
      "#!/bin/sh\nprintf '\\nNVIDIA-SMI has failed because it couldn\\047t communicate with the NVIDIA driver.\\n'\nprintf '\\n' >&2\nexit 9\n",
    );
    expect((await detectInventory({ kind: 'none' }, smi)).gpuWarnings).toEqual([
      `${smi} exited with status 9: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."; critpath takes this host to have no GPUs: GPU work is blocked (--gpus N simulates N slots)`,
    ]);
    // Silent, or one that cannot run at all: it says what it can.
    writeFileSync(smi, '#!/bin/sh\nexit 6\n');
    expect((await detectInventory({ kind: 'none' }, smi)).gpuWarnings).toEqual([
      `${smi} exited with status 6; critpath takes this host to have no GPUs: GPU work is blocked (--gpus N simulates N slots)`,
    ]);
    chmodSync(smi, 0o644);
    expect((await detectInventory({ kind: 'none' }, smi)).gpuWarnings).toEqual([
      expect.stringMatching(/^\S+nvidia-smi could not be run \(EACCES\); critpath takes/),
    ]);
  });
});
