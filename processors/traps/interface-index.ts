// ifIndex → interface name, as the device's polls name its interfaces (ifName, else ifDescr, else
// ifAlias: normalize/interface-names.ts). Many agents send linkDown / linkUp with ifIndex alone
// (RFC 2863 lists only ifIndex, ifAdminStatus and ifOperStatus); the series such a trap must
// open or close is labelled by name, which only the polls told. Learnt from every poll that walks
// a name column and kept in the device's checkpointed state, so a restart does not forget it.
import type { RawSnmpPoll } from '../../schemas/types.js';
import { interfaceNames } from '../normalize/interface-names.js';

const NAME_COLUMNS = new Set(['ifName', 'ifDescr', 'ifAlias']);

export interface InterfaceIndexState {
  /** ifIndex → the name polls label the interface with. */
  ifNames?: Map<string, string>;
}

/** Records the names a poll shows (entries of interfaces it did not walk stay as they were). */
export function learnInterfaceNames(state: InterfaceIndexState, poll: RawSnmpPoll): void {
  if (poll.error !== null) return;
  let name: ((index: string) => string) | null = null;
  for (const v of poll.values) {
    if (!NAME_COLUMNS.has(v.name) || v.index === '') continue;
    name ??= interfaceNames(poll);
    const n = name(v.index);
    if (n.startsWith('ifIndex')) continue; // an empty name column: nothing learnt
    const known = (state.ifNames ??= new Map());
    if (known.get(v.index) !== n) known.set(v.index, n);
  }
}
