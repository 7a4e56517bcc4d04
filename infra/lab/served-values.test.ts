import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseSnmprec, servedObject } from './served-objects.js';
import { servedValues } from './served-values.js';

test('a served Integer is rewritten in place at its length, read back as the number, and restored to the original line', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'oc-served-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'd.snmprec');
  const text = ['1.3.6.1.2.1.2.2.1.8.3|2|1', '1.3.6.1.4.1.2636.3.60.1.1.1.1.5.510|2:numeric|function=sin,rate=0.009,scale=30,initial=-384,min=-445,max=-323', '1.3.6.1.4.1.2636.3.60.1.1.1.1.5.511|2|-4000', ''].join('\n');
  await writeFile(file, text);
  const served = servedValues();
  const now = await served.apply(file, [{ oid: '1.3.6.1.4.1.2636.3.60.1.1.1.1.5.510', value: -1784 }, { oid: '1.3.6.1.2.1.2.2.1.8.3', value: 2 }]);
  assert.deepEqual(now.map((r) => [r.tag, r.value]), [['2', '-1784'], ['2', '2']]);
  const changed = await readFile(file, 'utf8');
  assert.equal(changed.length, text.length, 'every line keeps its length (snmpsim keeps its offsets)');
  const records = parseSnmprec(changed);
  assert.equal(servedObject(records[1]).value, -1784, 'leading zeros read as the number');
  assert.equal(records[0].value, '2');
  await assert.rejects(served.apply(file, [{ oid: '1.3.6.1.4.1.2636.3.60.1.1.1.1.5.511', value: -123456 }]), /does not fit/);
  await assert.rejects(served.apply(file, [{ oid: '1.3.6.1.2.1.2.2.1.8.99', value: 1 }]), /serves no/);
  await served.apply(file, [{ oid: '1.3.6.1.4.1.2636.3.60.1.1.1.1.5.510', value: -2000 }, { oid: '1.3.6.1.4.1.2636.3.60.1.1.1.1.5.510', value: null }, { oid: '1.3.6.1.2.1.2.2.1.8.3', value: null }]);
  assert.equal(await readFile(file, 'utf8'), text, 'null puts back what the file said at start');
});
