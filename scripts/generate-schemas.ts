/**
 * Writes the decision and outcome contracts as JSON Schema to schemas/ (see lib/decision/json-schema.ts),
 * formatted by Biome like every other file of the repository.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractSchemas } from '../lib/decision/json-schema.ts';

const root = join(import.meta.dirname, '..');
const dir = join(root, 'schemas');
mkdirSync(dir, { recursive: true });
const files = Object.entries(contractSchemas()).map(([file, schema]) => {
  writeFileSync(join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);
  return join('schemas', file);
});
execFileSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', ...files], {
  cwd: root,
  stdio: 'inherit',
});
