import { mkdir, writeFile } from 'node:fs/promises';
import { loadProjectFile } from '../src/config/load.js';
import { formatDiagnostic } from '../src/result.js';
import {
  PLAN_SOURCE,
  PLAN_TEAMS,
  planExact,
  REPORT_FILE,
  planFileName,
  renderPlanFile,
  renderReportFile,
} from './plan-files.js';

// Writes plans/team-1.md … team-3.md and plans/report.html from the Epic 1A task file (`npm run plans`).
const project = await loadProjectFile(PLAN_SOURCE);
if (!project.ok) {
  for (const d of project.error) console.error(formatDiagnostic(d));
  process.exit(2);
}
await mkdir('plans', { recursive: true });
const exact = await planExact();
for (const team of PLAN_TEAMS) {
  const file = planFileName(team);
  await writeFile(file, renderPlanFile(project.value, team, exact));
  console.log(`wrote ${file}`);
}
await writeFile(REPORT_FILE, renderReportFile(project.value));
console.log(`wrote ${REPORT_FILE}`);
