// Records of the registry's log (the `_schemas` topic): JSON keys and values, encoded here only.
//
// Key design, and why compaction cannot change what the log means
// -----------------------------------------------------------------
// Compaction keeps, for each key, only the LAST record (at its original offset). It is safe when
// removing every earlier record of a key cannot change the outcome of any record that survives.
// Writers therefore append FACTS (the id and version the writer predicted from its caught-up
// state), never bare commands whose outcome would depend on everything before them; applying the
// log only checks each fact against the state (version slot free, id/schema binding consistent)
// and rejects stale predictions.
//
//   SCHEMA  {keytype, subject, version, proposal} → {subject, version, id, schema, proposal}
//     One key per proposal (a random id), never per subject+version alone: two replicas racing
//     for the same version would otherwise write the same key, and compaction would keep the
//     LOSER's record (the later one) and drop the winner's, re-deciding the version on replay.
//     A rejected proposal is garbage: its writer tombstones it right away, and every permanent
//     delete also tombstones all garbage still live, so that no rejected record can turn into an
//     accepted one once the record that beat it is gone.
//     An accepted key is only superseded by its tombstone (permanent delete).
//   DELETED {keytype, subject, version} → {subject, version}: the soft-delete marker of a slot,
//     tombstoned with the slot on permanent delete.
//   CONFIG  {keytype, subject|null} → {compatibilityLevel}: last one wins, tombstone = unset.
//     Config is never consulted when applying the log (compatibility is checked by the writer
//     before it appends), so dropping old config records cannot re-decide a registration.
//   ID      {keytype, id} → {id, schema}: written by a permanent delete before the slot's
//     tombstone, so the id→schema binding outlives the deleted SCHEMA record: ids are never
//     reused for another schema, and accepted facts keep passing the binding check on replay.
//
// Keys are JSON with a fixed field order: compaction compares key bytes.

export interface SchemaFact {
  subject: string;
  version: number;
  id: number;
  schema: string;
  proposal: string;
}

export interface ConfigValue {
  compatibilityLevel: string;
}

export type LogEntry =
  | { kind: 'schema'; key: string; subject: string; version: number; proposal: string; fact: SchemaFact | null }
  | { kind: 'deleted'; key: string; subject: string; version: number; present: boolean }
  | { kind: 'config'; key: string; subject: string | null; config: ConfigValue | null }
  | { kind: 'id'; key: string; id: number; schema: string | null }
  | { kind: 'unknown'; key: string };

export interface LogWrite {
  key: string;
  value: string | null; // null: tombstone
}

export const schemaKey = (subject: string, version: number, proposal: string): string =>
  JSON.stringify({ keytype: 'SCHEMA', subject, version, proposal });
export const deletedKey = (subject: string, version: number): string =>
  JSON.stringify({ keytype: 'DELETED', subject, version });
export const configKey = (subject: string | null): string => JSON.stringify({ keytype: 'CONFIG', subject });
export const idKey = (id: number): string => JSON.stringify({ keytype: 'ID', id });

export const schemaWrite = (fact: SchemaFact): LogWrite => ({
  key: schemaKey(fact.subject, fact.version, fact.proposal),
  value: JSON.stringify(fact),
});
export const deletedWrite = (subject: string, version: number): LogWrite => ({
  key: deletedKey(subject, version),
  value: JSON.stringify({ subject, version }),
});
export const configWrite = (subject: string | null, level: string | null): LogWrite => ({
  key: configKey(subject),
  value: level === null ? null : JSON.stringify({ compatibilityLevel: level }),
});
export const idWrite = (id: number, schema: string): LogWrite => ({ key: idKey(id), value: JSON.stringify({ id, schema }) });
export const tombstone = (key: string): LogWrite => ({ key, value: null });

/** Decodes one record of the log; anything it does not recognise is 'unknown' (and ignored). */
export function decodeLogRecord(keyText: string, valueText: string | null): LogEntry {
  let k: Record<string, unknown>;
  try {
    k = JSON.parse(keyText) as Record<string, unknown>;
  } catch {
    return { kind: 'unknown', key: keyText };
  }
  const v = valueText === null ? null : (JSON.parse(valueText) as Record<string, unknown>);
  switch (k.keytype) {
    case 'SCHEMA':
      return {
        kind: 'schema',
        key: keyText,
        subject: String(k.subject),
        version: Number(k.version),
        proposal: String(k.proposal),
        fact: v as unknown as SchemaFact | null,
      };
    case 'DELETED':
      return { kind: 'deleted', key: keyText, subject: String(k.subject), version: Number(k.version), present: v !== null };
    case 'CONFIG':
      return { kind: 'config', key: keyText, subject: (k.subject as string | null) ?? null, config: v as unknown as ConfigValue | null };
    case 'ID':
      return { kind: 'id', key: keyText, id: Number(k.id), schema: v === null ? null : String(v.schema) };
    default:
      return { kind: 'unknown', key: keyText };
  }
}
