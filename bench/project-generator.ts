/**
 * Realistic generated task files for the scale benchmark: a layered random project where about
 * 30 % of the tasks are GPU work holding 1, 2 or 4 GPUs, each task has about four dependencies on
 * the three layers above it, hour ranges, a run command, a risk and a title; 4 GPUs arrive in
 * week 2 and a team of three engineers is declared. The same project is written as YAML (what
 * people write) and as JSON (the format for generated projects).
 */
import { Rng } from '../src/planner/engine/rng.js';

export interface GeneratedTask {
  id: string;
  title: string;
  hours: string;
  hardware: 'macbook' | 'gpu';
  gpus: number;
  risk: 'low' | 'medium' | 'high';
  deps: string[];
  run: string;
}

export interface GeneratedProject {
  header: Record<string, unknown>;
  tasks: GeneratedTask[];
}

const VERBS = ['Install', 'Configure', 'Validate', 'Benchmark', 'Document', 'Harden', 'Test'];
const THINGS = ['driver', 'CUDA toolkit', 'PyTorch', 'NCCL', 'vLLM', 'Docker', 'monitoring'];
const RISKS = ['low', 'medium', 'high'] as const;

/** A project of `n` tasks; the same `seed` gives the same project. */
export function generateProject(n: number, seed = 1): GeneratedProject {
  const rng = new Rng(seed);
  const width = Math.max(4, Math.round(Math.sqrt(n) * 1.5));
  const tasks: GeneratedTask[] = [];
  for (let v = 0; v < n; v++) {
    const layerStart = v - (v % width);
    const deps = new Set<string>();
    if (layerStart >= width) {
      const k = 3 + rng.int(3);
      for (let q = 0; q < k; q++) {
        const back = 1 + rng.int(Math.min(3, layerStart / width));
        deps.add(`t${layerStart - back * width + rng.int(width) + 1}`);
      }
    }
    const gpu = rng.next() < 0.3;
    const low = 1 + rng.int(6);
    tasks.push({
      id: `t${v + 1}`,
      title: `${VERBS[rng.int(VERBS.length)]!} ${THINGS[rng.int(THINGS.length)]!} ${v + 1}`,
      hours: `${low}-${low + 1 + rng.int(4)}`,
      hardware: gpu ? 'gpu' : 'macbook',
      gpus: gpu ? [1, 2, 4][rng.int(3)]! : 0,
      risk: RISKS[rng.int(3)]!,
      deps: [...deps].sort(),
      run: gpu ? `python3 validation/gpu_check.py --task t${v + 1}` : `make -C work t${v + 1}`,
    });
  }
  const header = {
    project: `Generated ${n}`,
    start: '2026-11-30',
    hoursPerDay: 8,
    hardware: { gpuModel: 'RTX 5090', gpu: [{ count: 4, from: '2026-12-07' }] },
    team: [
      { id: 'ana', skills: ['linux'] },
      { id: 'bo', skills: ['linux'] },
      { id: 'cy', skills: ['linux'] },
    ],
  };
  return { header, tasks };
}

export function toJson(p: GeneratedProject): string {
  return JSON.stringify({ ...p.header, tasks: p.tasks.map(compact) });
}

/** Block-style YAML, as a person would write it. */
export function toYaml(p: GeneratedProject): string {
  const out: string[] = [
    `project: ${p.header['project'] as string}`,
    'start: 2026-11-30',
    'hoursPerDay: 8',
    'hardware:',
    '  gpuModel: RTX 5090',
    '  gpu:',
    '    - { count: 4, from: 2026-12-07 }',
    'team:',
    '  - { id: ana, skills: [linux] }',
    '  - { id: bo, skills: [linux] }',
    '  - { id: cy, skills: [linux] }',
    'tasks:',
  ];
  for (const t of p.tasks) {
    out.push(`  - id: ${t.id}`, `    title: ${t.title}`, `    hours: ${t.hours}`);
    if (t.hardware === 'gpu') out.push('    hardware: gpu', `    gpus: ${t.gpus}`);
    else out.push('    hardware: macbook');
    out.push(`    risk: ${t.risk}`);
    if (t.deps.length > 0) out.push(`    deps: [${t.deps.join(', ')}]`);
    out.push(`    run: "${t.run}"`);
  }
  return out.join('\n') + '\n';
}

function compact(t: GeneratedTask): Record<string, unknown> {
  const { gpus, hardware, ...rest } = t;
  return hardware === 'gpu' ? { ...rest, hardware, gpus } : { ...rest, hardware };
}
