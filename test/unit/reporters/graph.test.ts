import { describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../src/config/load.js';
import { mermaidNodeNames, renderDot, renderMermaidGraph } from '../../../src/reporters/graph.js';

describe('renderMermaidGraph', () => {
  it('draws ids that differ only in ".", "_" or "-" as distinct nodes', () => {
    const r = loadProjectText(
      [
        'project: M',
        'start: 2026-01-05',
        'tasks:',
        '  - { id: a.1, hours: 1, hardware: macbook }',
        '  - { id: a_1, hours: 1, hardware: macbook }',
        '  - { id: a-1, hours: 1, hardware: macbook, deps: [a.1] }',
        '',
      ].join('\n'),
      'm.yaml',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const lines = renderMermaidGraph(r.value).split('\n');
    expect(lines).toEqual([
      'flowchart LR',
      '  na_1["a.1 a.1 (1 h)"]',
      '  na_1_2["a_1 a_1 (1 h)"]',
      '  na_1_3["a-1 a-1 (1 h)"]',
      '  na_1 --> na_1_3',
    ]);
  });

  it('names are one to one, the plain ones as before', () => {
    const names = mermaidNodeNames(['1a.8/test', 'a.1', 'a_1', 'a_1_2', 'a-1']);
    expect(names.get('1a.8/test')).toBe('n1a_8_test');
    expect(new Set(names.values()).size).toBe(5);
  });
});

describe('titles with backslashes and line breaks', () => {
  const r = loadProjectText(
    [
      'project: T',
      'start: 2026-01-05',
      'tasks:',
      "  - { id: a, title: 'C:\\lab\\', hours: 1, hardware: macbook }",
      '  - { id: b, title: "one\\ntwo \\"quoted\\"", hours: 1, hardware: macbook, deps: [a] }',
      '',
    ].join('\n'),
    't.yaml',
  );

  it('DOT: a backslash doubled, a line break as \\n, quotes as before', () => {
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const lines = renderDot(r.value).split('\n');
    expect(lines).toContain('  "a" [label="a\\nC:\\\\lab\\\\\\n1 h · macbook"];');
    expect(lines).toContain(`  "b" [label="b\\none\\ntwo 'quoted'\\n1 h · macbook"];`);
  });

  it('DOT: a control character in the project name reads as in a title', () => {
    const esc = loadProjectText(
      [
        'project: "N\\e[31m"',
        'start: 2026-01-05',
        'tasks:',
        '  - { id: a, title: "T\\e[31m", hours: 1, hardware: macbook }',
        '',
      ].join('\n'),
      'e.yaml',
    );
    expect(esc.ok).toBe(true);
    if (!esc.ok) return;
    const lines = renderDot(esc.value).split('\n');
    expect(lines[0]).toBe('digraph "N\\\\x1b[31m" {');
    expect(lines).toContain('  "a" [label="a\\nT\\\\x1b[31m\\n1 h · macbook"];');
  });

  it('Mermaid: a line break is a space, so each node stays on its line', () => {
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const lines = renderMermaidGraph(r.value).split('\n');
    expect(lines).toContain(`  nb["b one two 'quoted' (1 h)"]`);
    expect(lines).toHaveLength(4);
  });
});

describe('titles with tabs', () => {
  it('a tab is a space in DOT and Mermaid labels: none reaches the terminal raw', () => {
    const r = loadProjectText(
      'project: T\nstart: 2026-01-05\ntasks:\n  - { id: a, title: "tab\\there", hours: 1 }\n',
      't.yaml',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    for (const text of [renderDot(r.value), renderMermaidGraph(r.value)]) {
      expect(text).toContain('tab here');
      expect(text).not.toContain('\t');
    }
  });
});
