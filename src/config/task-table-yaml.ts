import type { TaskTable } from '../model/task-table.js';

export function readTaskTableYaml(_bytes: Buffer): TaskTable | undefined {
  return undefined;
}
