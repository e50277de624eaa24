// Writes tasks/schema.json from the zod schemas (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { projectJsonSchema } from '../dist/model/schema.js';

const schema = { ...projectJsonSchema(), title: 'critpath task file', $id: 'critpath-task-file' };
writeFileSync(
  new URL('../tasks/schema.json', import.meta.url),
  `${JSON.stringify(schema, null, 2)}\n`,
);
