// Memory in use from HOST-RESOURCES-MIB's hrStorageTable: used / size of the rows whose type is
// hrStorageRam (1.3.6.1.2.1.25.2.1.2), as a percent per row, labelled by its description. A ratio
// of two columns, which a profile file's per-object `metric` cannot express; allocation units
// cancel out, so they are not read.
import type { RawSnmpPoll } from '../../schemas/types.js';

const HR_STORAGE_RAM = '1.3.6.1.2.1.25.2.1.2';

export interface MemoryUse {
  name: string;
  usedPct: number;
}

export function hostMemory(poll: RawSnmpPoll): MemoryUse[] {
  const rows = new Map<string, { type?: string; descr?: string; size?: number; used?: number }>();
  const row = (index: string) => rows.get(index) ?? rows.set(index, {}).get(index)!;
  for (const v of poll.values) {
    if (v.name === 'hrStorageType' && v.text) row(v.index).type = v.text.replace(/^\./, '');
    else if (v.name === 'hrStorageDescr' && v.text) row(v.index).descr = v.text;
    else if (v.name === 'hrStorageSize' && v.number !== null) row(v.index).size = v.number;
    else if (v.name === 'hrStorageUsed' && v.number !== null) row(v.index).used = v.number;
  }
  const out: MemoryUse[] = [];
  for (const [index, r] of rows) {
    if (r.type !== HR_STORAGE_RAM || !r.size || r.size <= 0 || r.used === undefined) continue;
    out.push({ name: r.descr ?? `hrStorage${index}`, usedPct: (100 * r.used) / r.size });
  }
  return out;
}
