// The name an interface's series carry, from the columns its poll walked: ifName (IF-MIB ifXTable),
// else ifDescr (ifTable: agents without ifXTable, such as older Windows hosts and embedded
// agents), else ifAlias, and only then the "ifIndex<N>" stand-in. A name survives a reboot that
// renumbers ifIndex; the index alone says nothing to an operator.
import type { RawSnmpPoll } from '../../schemas/types.js';

const NAME_COLUMNS = ['ifName', 'ifDescr', 'ifAlias'] as const;

/** The name of an interface by ifIndex from the poll's name columns, or null when none names it. */
export function knownInterfaceNames(poll: RawSnmpPoll): (index: string) => string | null {
  const byColumn = new Map<string, Map<string, string>>(NAME_COLUMNS.map((c) => [c, new Map()]));
  for (const v of poll.values) {
    const column = byColumn.get(v.name);
    const text = v.text?.trim();
    if (column && text) column.set(v.index, text);
  }
  const names = NAME_COLUMNS.map((c) => byColumn.get(c)!);
  return (index) => {
    for (const column of names) {
      const name = column.get(index);
      if (name) return name;
    }
    return null;
  };
}

export function interfaceNames(poll: RawSnmpPoll): (index: string) => string {
  const known = knownInterfaceNames(poll);
  return (index) => known(index) ?? `ifIndex${index}`;
}
