import { describe, expect, it } from 'vitest';
import { loadProjectFile } from '../../../src/config/load.js';
import { taskGraphView } from '../../../src/app/task-graph.js';
import { placeInRows, textWidth } from '../../../src/reporters/svg-text.js';
import type { TaskGraphNode } from '../../../src/reporters/task-graph-svg.js';
import { MAX_PICTURED, renderTaskGraph, wrapTitle } from '../../../src/reporters/task-graph-svg.js';

const node = (id: string, predecessors: string[], extra: Partial<TaskGraphNode> = {}) => ({
  id,
  title: `Task ${id}`,
  hours: 1,
  hardware: 'macbook' as const,
  gpus: 0,
  allGpus: false,
  critical: false,
  predecessors,
  start: 0,
  end: 1,
  ...extra,
});

/** The boxes of a picture: id → its rect's x, y, width, height. */
function boxes(svg: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const re =
    /data-id="([^"]+)"[^>]*><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g;
  for (const m of svg.matchAll(re)) out.set(m[1]!, [m[2]!, m[3]!, m[4]!, m[5]!].map(Number));
  return out;
}

describe('task graph picture', () => {
  it('draws Epic 1A: a box per activity, dependencies left to right, GPUs and the critical path', async () => {
    const p = await loadProjectFile('tasks/epic-1a.yaml');
    if (!p.ok) throw new Error('epic-1a.yaml does not load');
    const view = taskGraphView(p.value);
    const svg = renderTaskGraph(view);
    const b = boxes(svg);
    expect([...b.keys()].sort()).toEqual(view.nodes.map((x) => x.id).sort());
    for (const x of view.nodes)
      for (const pre of x.predecessors) expect(b.get(pre)![0]!).toBeLessThan(b.get(x.id)![0]!);
    // No two boxes overlap.
    const all = [...b.values()];
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++) {
        const [x1, y1, w1, h1] = all[i]!;
        const [x2, y2, w2, h2] = all[j]!;
        expect(x1! + w1! <= x2! || x2! + w2! <= x1! || y1! + h1! <= y2! || y2! + h2! <= y1!).toBe(
          true,
        );
      }
    expect(svg).toContain('data-id="1a.8/test" data-gpus="4"');
    expect(svg).toContain('7 h · all 4 GPUs');
    expect(svg).toContain('<g class="node gpu critical" data-id="1a.13/run" data-gpus="4">');
    // An install holds the GPU host but no GPU; its smoke test holds one.
    expect(svg).toContain('data-id="1a.12/install" data-gpus="0"');
    expect(svg).toContain('data-id="1a.12/smoke" data-gpus="1"');
    expect(svg).toContain('<g class="node macbook" data-id="1a.3" data-gpus="0">');
    expect(svg).toMatch(/<path class="dep critical" data-from="1a.13\/run" data-to="1a.14"/);
    expect(svg).toMatch(/<path class="dep" data-from="1a.2" data-to="1a.3"/);
  });

  it('marks a dependency critical only where the chain runs through it without waiting', () => {
    const svg = renderTaskGraph({
      criticalHours: 3,
      nodes: [
        node('a', [], { critical: true }),
        node('b', ['a'], { critical: true, start: 1, end: 3 }),
        node('c', ['a', 'b'], { critical: true, start: 3, end: 3 }),
      ],
    });
    expect(svg).toMatch(/class="dep critical" data-from="a" data-to="b"/);
    expect(svg).toMatch(/class="dep critical" data-from="b" data-to="c"/);
    expect(svg).toMatch(/class="dep" data-from="a" data-to="c"/);
  });

  it('names a graph too large to draw instead of drawing it', () => {
    const nodes = Array.from({ length: MAX_PICTURED + 1 }, (_, k) => node(`t${k}`, []));
    expect(renderTaskGraph({ criticalHours: 1, nodes })).toBe(
      `<p class="note">The graph has ${MAX_PICTURED + 1} activities; the picture is drawn for at most ${MAX_PICTURED}.</p>`,
    );
  });

  it('wraps titles in two lines at most, eliding the rest', () => {
    expect(wrapTitle('Git repository')).toEqual(['Git repository']);
    expect(wrapTitle('NVIDIA drivers (580 open) (install and test on the hardware)')).toEqual([
      'NVIDIA drivers (580 open)',
      '(install and test on the…',
    ]);
    expect(wrapTitle('x'.repeat(40))).toEqual([`${'x'.repeat(27)}…`]);
  });
});

describe('chart labels', () => {
  it('puts labels that would overlap in different rows, and reuses a row once it is clear', () => {
    const rows = placeInRows(
      [
        { left: 0, right: 50 },
        { left: 40, right: 90 },
        { left: 60, right: 100 },
        { left: 95, right: 120 },
      ],
      5,
    ).map((p) => p.row);
    expect(rows).toEqual([0, 1, 0, 1]);
  });

  it('estimates widths on the wide side: wider text, wider estimate; bold wider still', () => {
    expect(textWidth('Mon 30 Nov', 11)).toBeGreaterThan(textWidth('Tue 1', 11));
    expect(textWidth('infra', 11, true)).toBeGreaterThan(textWidth('infra', 11));
    // DejaVu Sans sets "Mon 30 Nov" at 11 px in about 62 px.
    expect(textWidth('Mon 30 Nov', 11)).toBeGreaterThanOrEqual(62);
  });
});
