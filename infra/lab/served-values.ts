// Integers a running lab agent serves, changed by a scenario (a port's received light, its link
// state) and put back, the same way for both engines:
// - snmpsim reads an answer's line from the data file at the offset its index recorded at start,
//   so a line is rewritten in place and must keep its length (an integer is padded with leading
//   zeros, which snmpsim's int() and the node agent's Number() both read as the number). Its
//   `numeric` variation parses a line's settings once per OID and keeps them, so a moving value
//   is replaced by a plain one (tag without the variation) and restored by writing the original
//   line back, whose cached settings are then the right ones again.
// - the node agent answers from objects in memory: the same records replace its objects.
import { open, readFile } from 'node:fs/promises';
import { parseSnmprec } from './served-objects.js';
import type { SnmprecRecord } from './snmprec.js';

/** An Integer object's new value; null: what the data file served at start. */
export interface ServedInteger {
  oid: string;
  value: number | null;
}

const badScenario = (message: string) => Object.assign(new Error(message), { code: 'LAB_BAD_SCENARIO' });

/** `n` written in exactly `width` characters: sign, zeros, digits. */
function padded(n: number, width: number): string | null {
  const digits = String(Math.abs(Math.trunc(n)));
  const sign = n < 0 ? '-' : '';
  const zeros = width - sign.length - digits.length;
  return zeros < 0 ? null : sign + '0'.repeat(zeros) + digits;
}

export interface ServedValues {
  /** Rewrites the lines of `changes` in the data file; returns the records now served (unpadded). */
  apply(file: string, changes: readonly ServedInteger[]): Promise<SnmprecRecord[]>;
}

export function servedValues(): ServedValues {
  const originals = new Map<string, Map<string, string>>(); // file → OID → its line when first changed
  return {
    async apply(file, changes) {
      let text = await readFile(file, 'utf8');
      const kept = originals.get(file) ?? new Map<string, string>();
      originals.set(file, kept);
      const served: SnmprecRecord[] = [];
      for (const { oid, value } of changes) {
        const start = text.startsWith(`${oid}|`) ? 0 : text.indexOf(`\n${oid}|`) + 1;
        if (start === 0 && !text.startsWith(`${oid}|`)) throw badScenario(`${file} serves no ${oid}`);
        const end = text.indexOf('\n', start);
        const line = text.slice(start, end < 0 ? text.length : end);
        const original = kept.get(oid) ?? line;
        kept.set(oid, original);
        let next = original;
        if (value !== null) {
          const [record] = parseSnmprec(original);
          const tag = record.tag.split(':')[0];
          if (tag !== '2') throw badScenario(`${oid} is not an Integer (tag ${record.tag}): the lab changes Integers only`);
          const head = `${oid}|${tag}|`;
          const digits = padded(value, original.length - head.length);
          if (digits === null) throw badScenario(`${oid}: ${value} does not fit the line the agent serves (${original.length} characters)`);
          next = head + digits;
          served.push({ oid, tag, value: String(Math.trunc(value)) });
        } else served.push(parseSnmprec(original)[0]);
        // In place, the line's bytes only: snmpsim may be reading the file meanwhile.
        const handle = await open(file, 'r+');
        try {
          await handle.write(Buffer.from(next, 'utf8'), 0, Buffer.byteLength(next), Buffer.byteLength(text.slice(0, start)));
        } finally {
          await handle.close();
        }
        text = text.slice(0, start) + next + text.slice(start + line.length);
      }
      return served;
    },
  };
}
