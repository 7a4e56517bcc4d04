// The generated GraphQL types (test/graphql-types.ts) are those the SDL and the dashboard's
// documents give now, and a dashboard document the schema refuses stops the generation.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as documents from '../ui/src/api/documents.js';
import { dashboardDocuments, GENERATE_COMMAND, graphqlTypeFiles } from './graphql-types.js';

test('the committed API and dashboard types are what the SDL and the documents generate', async () => {
  for (const file of await graphqlTypeFiles()) {
    const committed = readFileSync(new URL(`../${file.path}`, import.meta.url), 'utf8');
    assert.ok(committed === file.text, `${file.path} is out of date with the SDL or the dashboard's documents: run \`${GENERATE_COMMAND}\` and commit it`);
  }
});

test('every document the dashboard sends is typed, with the shared selections as fragments', async () => {
  const [, ui] = await graphqlTypeFiles();
  for (const [name, value] of Object.entries(documents)) {
    const op = typeof value === 'string' ? /^\s*(query|mutation|subscription)\s+(\w+)/.exec(value) : null;
    if (!op) continue;
    const typeName = op[2] + op[1][0].toUpperCase() + op[1].slice(1);
    assert.match(ui.text, new RegExp(`export type ${typeName} = `), `${name} (${typeName})`);
  }
  assert.match(ui.text, /export type SeriesInfoFragment = \{ id: string, key: string, deviceId: string, metric: string, labels: Record<string, string> \| null, unit: string \}/);
});

test('a dashboard document selecting what the schema does not have is refused, naming the field', async () => {
  const docs = [...dashboardDocuments(), 'query Broken($id: ID!) { device(id: $id) { id serialNumber } }'];
  await assert.rejects(graphqlTypeFiles(docs), /serialNumber/);
});

test('an anonymous dashboard document is refused: its types would have no name', () => {
  assert.throws(() => dashboardDocuments({ LIST: '{ silences { id } }' }), /LIST is an anonymous operation/);
});
