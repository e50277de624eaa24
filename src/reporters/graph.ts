import type { Project } from '../model/project.js';
import { buildActivityGraph } from '../model/activities.js';
import type { DependencyAnswer } from '../app/dependencies.js';
import { escapeTerminal } from './escape.js';
import { fmtHours } from './format.js';

/** `1 h`, `2–3 h`: an hour range, one figure when both ends agree. */
export function hoursRange(low: number, high: number): string {
  return low === high ? `${fmtHours(low)} h` : `${fmtHours(low)}–${fmtHours(high)} h`;
}

/** `1 GPU`, `2 GPUs`, `all GPUs`. */
export function gpuCount(n: number | 'all'): string {
  return n === 'all' ? 'all GPUs' : n === 1 ? '1 GPU' : `${n} GPUs`;
}

/** Graphviz DOT of the activity graph; critical activities in red when `critical` is given. */
export function renderDot(project: Project, critical: ReadonlySet<string> = new Set()): string {
  const g = buildActivityGraph(project);
  const q = (s: string): string => JSON.stringify(s);
  const lines = [
    // The name as a title is written, so that a control character reads the same in both.
    `digraph "${dotText(project.name)}" {`,
    '  rankdir=LR;',
    '  node [shape=box, fontname="Helvetica"];',
  ];
  for (const a of g.activities) {
    const label = `${a.id}\\n${dotText(a.phase.title)}\\n${hoursRange(a.phase.estimate.low, a.phase.estimate.high)} · ${a.phase.hardware}${a.phase.gpus === 0 ? '' : ` · ${gpuCount(a.phase.gpus)}`}`;
    const style = critical.has(a.id)
      ? ', color=red, penwidth=2'
      : a.phase.hardware === 'gpu'
        ? ', style=filled, fillcolor="#e8f0ff"'
        : '';
    lines.push(`  ${q(a.id)} [label="${label}"${style}];`);
  }
  for (const a of g.activities)
    for (const p of a.predecessors) lines.push(`  ${q(p)} -> ${q(a.id)};`);
  lines.push('}');
  return lines.join('\n');
}

/**
 * A title inside a DOT label's quotes: `"` as `'` (as before), a backslash doubled (one at the
 * end closed the quotes early), a line break as DOT's `\n`, a tab as a space (raw, it reached
 * the terminal).
 */
function dotText(title: string): string {
  return escapeTerminal(title)
    .replace(/\\/g, '\\\\')
    .replace(/"/g, "'")
    .replace(/\r?\n/g, '\\n')
    .replace(/\t/g, ' ');
}

/** Mermaid flowchart of the activity graph (a line break or a tab in a title is a space). */
export function renderMermaidGraph(
  project: Project,
  critical: ReadonlySet<string> = new Set(),
): string {
  const g = buildActivityGraph(project);
  const names = mermaidNodeNames(g.activities.map((a) => a.id));
  const node = (id: string): string => names.get(id)!;
  const lines = ['flowchart LR'];
  for (const a of g.activities) {
    const text = `${a.id} ${escapeTerminal(a.phase.title).replace(/\s*[\r\n]+\s*|\t/g, ' ')} (${hoursRange(a.phase.estimate.low, a.phase.estimate.high)}${a.phase.hardware === 'gpu' ? `, ${gpuCount(a.phase.gpus)}` : ''})`;
    lines.push(`  ${node(a.id)}["${text.replace(/"/g, "'")}"]`);
  }
  for (const a of g.activities)
    for (const p of a.predecessors) lines.push(`  ${node(p)} --> ${node(a.id)}`);
  const crit = g.activities.filter((a) => critical.has(a.id)).map((a) => node(a.id));
  if (crit.length > 0) {
    lines.push('  classDef critical stroke:#d00,stroke-width:3px');
    lines.push(`  class ${crit.join(',')} critical`);
  }
  return lines.join('\n');
}

/**
 * Mermaid node names for activity ids: `n` and the id with what Mermaid does not take as `_`
 * (`1a.8/test` → `n1a_8_test`). Ids that would meet (`a.1`, `a_1`, `a-1`) get `_2`, `_3`… after
 * the first, in file order, so two activities are never drawn as one node.
 */
export function mermaidNodeNames(ids: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const id of ids) {
    const base = `n${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    names.set(id, name);
  }
  return names;
}

/** The answer to `graph --upstream/--downstream ID`: one activity id a line, in file order. */
export function renderDependencies(answer: DependencyAnswer): string {
  return answer.activities.join('\n');
}
