// The plan schema as JSON Schema, for editors (`# yaml-language-server: $schema=...` in a plan).
// `npm run plan-schema` rewrites plans/plan.schema.json; a test keeps the committed file current.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Plan } from './schema.ts';

export function planJsonSchema(): string {
  const schema = z.toJSONSchema(Plan, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'DRS orchestrator recovery plan' }, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL('../../plans/plan.schema.json', import.meta.url));
  writeFileSync(target, planJsonSchema());
  console.log(`wrote ${target}`);
}
