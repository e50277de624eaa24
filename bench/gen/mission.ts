import { Rng } from '../../src/planner/engine/rng.js';

/**
 * Mission-like projects, Epic 1A's kind: work on the laptops first (Packer, Ansible roles),
 * then on a GPU host whose GPUs arrive on a date (optionally one early GPU), tasks split into
 * a laptop prep phase and a GPU test phase, tests that hold 1, 2, 4 or `all` GPUs, a few
 * skills that only some of the engineers have, and whole-hour ranges.
 * `missionYaml(seed, tasks)` writes one as a task file; the same seed gives the same file.
 */

export interface MissionOptions {
  /** Tasks (each one or two activities). */
  readonly tasks: number;
  /** One GPU from the start, the rest on the arrival date. */
  readonly earlyGpu: boolean;
}

const SKILLS = ['packer', 'nvidia', 'ml'] as const;

export function missionYaml(seed: number, opts: MissionOptions): string {
  const rng = new Rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rng.next() * (hi - lo + 1));
  // Whole-hour ranges, as in Epic 1A (`2-3`, `6-8`): expected hours fall on the half hour.
  const range = (lo: number, hi: number): string => {
    const a = int(lo, hi);
    const b = a + int(0, 2);
    return a === b ? String(a) : `${a}-${b}`;
  };
  const arrivalDay = ['2026-12-07', '2026-12-09', '2026-12-14'][int(0, 2)]!;
  const lines: string[] = [
    `project: Mission ${seed}`,
    'start: 2026-11-30',
    'hoursPerDay: 8',
    'hardware:',
    '  gpuModel: RTX 5090',
    '  gpu:',
  ];
  if (opts.earlyGpu) lines.push('    - { count: 1, from: 2026-11-30 }');
  lines.push(`    - { count: 4, from: ${arrivalDay} }`);
  lines.push(
    'team:',
    '  - { id: infra, name: Infrastructure, skills: [linux, packer, nvidia, ml] }',
    '  - { id: ml, name: ML, skills: [linux, ml, nvidia] }',
    '  - { id: gen, name: Generalist, skills: [linux, ml] }',
    'tasks:',
  );
  for (let k = 1; k <= opts.tasks; k++) {
    const id = `t${k}`;
    const deps: string[] = [];
    for (let j = Math.max(1, k - 6); j < k; j++) if (rng.next() < 0.25) deps.push(`t${j}`);
    const skill = rng.next() < 0.3 ? SKILLS[int(0, SKILLS.length - 1)] : undefined;
    const head = [`  - id: "${id}"`, `    title: Task ${k}`];
    if (skill !== undefined) head.push(`    skill: ${skill}`);
    if (deps.length > 0) head.push(`    deps: [${deps.map((d) => `"${d}"`).join(', ')}]`);
    const kind = k <= opts.tasks / 4 ? 0 : int(0, 2);
    const gpus = (): string => ['1', '1', '2', '4', 'all'][int(0, 4)]!;
    if (kind === 0) {
      lines.push(...head, `    hours: ${range(1, 4)}`, '    hardware: macbook');
    } else if (kind === 1) {
      lines.push(...head, `    hours: ${range(1, 4)}`, '    hardware: gpu', `    gpus: ${gpus()}`);
    } else {
      lines.push(
        ...head,
        '    phases:',
        `      - { name: prep, title: prepare, hours: ${range(1, 3)}, hardware: macbook }`,
        `      - { name: test, title: test on the host, hours: ${range(1, 4)}, hardware: gpu, gpus: ${gpus()} }`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
