import { Graph, layout } from '@dagrejs/dagre';
import type { Hardware } from '../model/project.js';
import { fmtHours } from './format.js';
import { esc, n, textWidth } from './svg-text.js';

/**
 * The picture of the task graph in the HTML report: one box per activity, laid out by dagre
 * (layered, left to right, dependencies as arrows), coloured by the hardware it needs, the
 * critical path drawn in red, and each box naming its GPU demand. Static SVG: dagre runs here,
 * not in the browser.
 */

/** One activity as the picture shows it. */
export interface TaskGraphNode {
  readonly id: string;
  /** The activity's title: the task's, and the phase's in brackets. */
  readonly title: string;
  readonly hours: number;
  readonly hardware: Hardware;
  /** GPUs held while it runs; `all` resolved to the host's largest count. */
  readonly gpus: number;
  /** True when the task asked for `gpus: all`. */
  readonly allGpus: boolean;
  readonly critical: boolean;
  readonly predecessors: readonly string[];
  /** Earliest start and finish on the critical-path schedule (hours). */
  readonly start: number;
  readonly end: number;
}

export interface TaskGraphView {
  readonly nodes: readonly TaskGraphNode[];
  /** Length of the critical path, in hours (expected estimates, no team limits). */
  readonly criticalHours: number;
}

/** Above this many activities the picture is left out (a layout nobody could read). */
export const MAX_PICTURED = 400;

const ID_FONT = 11;
const FONT = 10;
const LINE = 13;
/** Title characters on one line of a box, and lines at most. */
const WRAP = 28;
const TITLE_LINES = 2;

/** Words of `title` in lines of at most WRAP characters; the last line elided with "…". */
export function wrapTitle(title: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of title.split(/\s+/).filter((w) => w !== '')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (next.length <= WRAP || line === '') {
      line = next;
      continue;
    }
    lines.push(line);
    line = word;
  }
  if (line !== '') lines.push(line);
  const kept = lines
    .slice(0, TITLE_LINES)
    .map((l) => (l.length > WRAP ? `${l.slice(0, WRAP - 1)}…` : l));
  if (lines.length > TITLE_LINES) {
    const last = kept[TITLE_LINES - 1]!;
    kept[TITLE_LINES - 1] = `${last.slice(0, WRAP - 1).replace(/…$/, '')}…`;
  }
  return kept;
}

function gpuText(node: TaskGraphNode): string {
  if (node.gpus === 0) return 'no GPU';
  const count = `${node.gpus} GPU${node.gpus === 1 ? '' : 's'}`;
  return node.allGpus ? `all ${count}` : count;
}

interface Box {
  readonly node: TaskGraphNode;
  readonly lines: readonly string[];
  readonly width: number;
  readonly height: number;
}

function boxOf(node: TaskGraphNode): Box {
  const lines = [...wrapTitle(node.title), `${fmtHours(node.hours)} h · ${gpuText(node)}`];
  const width =
    Math.max(textWidth(node.id, ID_FONT, true), ...lines.map((l) => textWidth(l, FONT))) + 16;
  return { node, lines, width: Math.ceil(width), height: 10 + LINE + lines.length * LINE + 4 };
}

/** The picture as an SVG element, or a note when the graph is too large to draw. */
export function renderTaskGraph(view: TaskGraphView): string {
  if (view.nodes.length > MAX_PICTURED) {
    return `<p class="note">The graph has ${view.nodes.length} activities; the picture is drawn for at most ${MAX_PICTURED}.</p>`;
  }
  const boxes = new Map(view.nodes.map((node) => [node.id, boxOf(node)]));
  const g = new Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 44, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const b of boxes.values()) g.setNode(b.node.id, { width: b.width, height: b.height });
  for (const node of view.nodes)
    for (const p of node.predecessors) if (boxes.has(p)) g.setEdge(p, node.id);
  layout(g);
  const { width = 0, height = 0 } = g.graph();
  // A dependency is on the critical path when both ends are and nothing waits between them.
  const onPath = (v: string, w: string): boolean => {
    const p = boxes.get(v)?.node;
    const a = boxes.get(w)?.node;
    return (
      p !== undefined &&
      a !== undefined &&
      p.critical &&
      a.critical &&
      Math.abs(p.end - a.start) < 1e-9
    );
  };
  const out: string[] = [
    `<svg class="task-graph" xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" role="img" aria-label="The task graph: ${view.nodes.length} activities">`,
    '<defs>' +
      '<marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="#8a93a6"/></marker>' +
      '<marker id="arrow-critical" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="#c0392b"/></marker>' +
      '</defs>',
  ];
  for (const e of g.edges()) {
    const points = (g.edge(e) as { points?: { x: number; y: number }[] }).points ?? [];
    const hot = onPath(e.v, e.w);
    const d = points.map((p, k) => `${k === 0 ? 'M' : 'L'}${n(p.x)},${n(p.y)}`).join(' ');
    out.push(
      `<path class="dep${hot ? ' critical' : ''}" data-from="${esc(e.v)}" data-to="${esc(e.w)}" d="${d}" marker-end="url(#${hot ? 'arrow-critical' : 'arrow'})"/>`,
    );
  }
  for (const b of boxes.values()) {
    const { x, y } = g.node(b.node.id) as { x: number; y: number };
    out.push(nodeSvg(b, x - b.width / 2, y - b.height / 2));
  }
  out.push('</svg>');
  return out.join('\n');
}

function nodeSvg(b: Box, left: number, top: number): string {
  const a = b.node;
  const cls = `node ${a.hardware}${a.critical ? ' critical' : ''}`;
  const tip = `${a.id}: ${a.title}\n${fmtHours(a.hours)} h on ${a.hardware === 'gpu' ? 'the GPU host' : 'a MacBook'}, ${gpuText(a)}${a.critical ? '\ncritical path' : ''}`;
  const texts = [
    `<text class="node-id" x="${n(left + 8)}" y="${n(top + 6 + LINE)}">${esc(a.id)}</text>`,
    ...b.lines.map(
      (l, k) =>
        `<text class="node-text${k === b.lines.length - 1 ? ' node-demand' : ''}" x="${n(left + 8)}" y="${n(top + 6 + LINE * (k + 2))}">${esc(l)}</text>`,
    ),
  ];
  return (
    `<g class="${cls}" data-id="${esc(a.id)}" data-gpus="${a.gpus}">` +
    `<rect x="${n(left)}" y="${n(top)}" width="${b.width}" height="${b.height}" rx="5"><title>${esc(tip)}</title></rect>` +
    `${texts.join('')}</g>`
  );
}

/** Legend and CSS of the picture, for the page. */
export const TASK_GRAPH_CSS = `
svg.task-graph { width: auto; max-width: 100%; }
svg .dep { fill: none; stroke: #8a93a6; stroke-width: 1.3; }
svg .dep.critical { stroke: #c0392b; stroke-width: 2.5; }
svg .node rect { stroke: #5a6375; stroke-width: 1; }
svg .node.macbook rect { fill: #dbe8f6; }
svg .node.gpu rect { fill: #d9efdd; }
svg .node.critical rect { stroke: #c0392b; stroke-width: 2.5; }
svg .node-id { font-weight: 600; }
svg .node-text { font-size: 10px; fill: #3a4254; }
svg .node-demand { fill: #1d2330; }
`;

export function taskGraphLegend(): string {
  return (
    '<p class="legend">' +
    '<span><i style="background:#dbe8f6;outline:1px solid #5a6375"></i>MacBook work</span>' +
    '<span><i style="background:#d9efdd;outline:1px solid #5a6375"></i>GPU host work</span>' +
    '<span><i style="background:#fff;outline:2px solid #c0392b"></i>critical path</span>' +
    '<span>each box: id, title, expected hours and GPUs held</span>' +
    '</p>'
  );
}
