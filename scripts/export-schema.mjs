// Writes docs/run.schema.json from the zod schema of run.json (npm run schema).
import { writeFileSync } from 'node:fs';
import { runJsonSchema } from '../dist/evidence/run-json-schema.js';

writeFileSync(new URL('../docs/run.schema.json', import.meta.url), `${JSON.stringify(runJsonSchema(), null, 2)}\n`);
console.log('wrote docs/run.schema.json');
