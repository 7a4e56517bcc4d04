// Which interface an ENTITY-MIB entity (a transceiver's sensor) belongs to. Platforms that index
// their optics by entPhysicalIndex (Cisco's CISCO-ENTITY-SENSOR-MIB, RFC 3433's ENTITY-SENSOR-MIB)
// do not say the interface in the sensor's row: its entPhysicalName is the platform's own wording
// ("Optics0/0/0/0 Rx Power", "Te1/1 Receive Power Sensor"), often not the ifName at all. The link
// is ENTITY-MIB's entAliasMappingTable, which maps a physical entity (the port) to its ifIndex;
// the sensor reaches the port through entPhysicalContainedIn (sensor → transceiver → port).
// A neutral module: the processor's optics normaliser reads it, the lab's tests check against it.

/** entAliasMappingIdentifier's RowPointer to an interface: IF-MIB ifIndex.<N>. */
const IF_INDEX_OID = '1.3.6.1.2.1.2.2.1.1.';
/** Hops up entPhysicalContainedIn before giving up: a chassis is a few levels deep; a loop is a broken agent. */
const MAX_DEPTH = 8;

export interface EntityColumns {
  /** entPhysicalContainedIn by entPhysicalIndex (0: the entity is not contained in another). */
  containedIn: ReadonlyMap<string, number>;
  /** entAliasMappingIdentifier by its row index "<entPhysicalIndex>.<entAliasLogicalIndexOrZero>". */
  aliasMapping: ReadonlyMap<string, string>;
}

/** The ifIndex a mapping row points at, or null when it points elsewhere (a logical entity, a MIB row of another kind). */
export function ifIndexOfAlias(identifier: string): string | null {
  const oid = identifier.replace(/^\./, '');
  if (!oid.startsWith(IF_INDEX_OID)) return null;
  const rest = oid.slice(IF_INDEX_OID.length);
  return /^\d+$/.test(rest) ? rest : null;
}

/**
 * (entPhysicalIndex) → ifIndex of the interface the entity or its nearest mapped ancestor is, or
 * null when no entity on the way up has a mapping (the agent has no entAliasMappingTable, or the
 * sensor is not in a port: a fan, a CPU).
 */
export function entityInterfaces(columns: EntityColumns): (entPhysicalIndex: string) => string | null {
  const ifIndexOf = new Map<string, string>();
  for (const [row, identifier] of columns.aliasMapping) {
    const [entity, logical = '0'] = row.split('.');
    const ifIndex = ifIndexOfAlias(identifier);
    if (!entity || ifIndex === null) continue;
    // logical index 0 holds for every logical entity: prefer it over one naming a single context
    if (logical === '0' || !ifIndexOf.has(entity)) ifIndexOf.set(entity, ifIndex);
  }
  return (index) => {
    let entity = index;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const ifIndex = ifIndexOf.get(entity);
      if (ifIndex !== undefined) return ifIndex;
      const parent = columns.containedIn.get(entity);
      if (!parent) return null;
      entity = String(parent);
    }
    return null;
  };
}
