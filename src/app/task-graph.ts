import type { Project } from '../model/project.js';
import { criticalPathPlan } from '../planner/project/critical-path-plan.js';
import type { TaskGraphView } from '../reporters/task-graph-svg.js';

/**
 * What the HTML report's task-graph picture shows: every activity with its title (the task's, and the phase's in brackets), expected
 * hours, hardware and GPUs, and the critical path of the graph itself (expected hours, no team
 * or GPU limits: the longest chain of dependencies).
 */
export function taskGraphView(project: Project): TaskGraphView {
  const cpm = criticalPathPlan(project, 'expected');
  const most = project.gpu.reduce((m, g) => Math.max(m, g.count), 0);
  return {
    criticalHours: cpm.makespan,
    nodes: [...cpm.activities].map((a) => ({
      id: a.id,
      title: a.title,
      hours: a.duration,
      hardware: a.hardware,
      gpus: a.gpus === 'all' ? most : a.gpus,
      allGpus: a.gpus === 'all',
      critical: a.critical,
      predecessors: a.predecessors,
      start: a.start,
      end: a.end,
    })),
  };
}
