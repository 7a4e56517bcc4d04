// How per-key state travels on a changelog topic. The default codec writes one JSON record per key
// (bigint (SNMP counters) and Map survive as tagged objects). A transform whose state is large and
// changes little per batch supplies its own codec, which may spread a key's state over several
// records (keyed `<key>\u0000…`) and write only the parts that changed (processors/chain-codec.ts).

export function stateReplacer(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? { $bigint: v.toString() } : v instanceof Map ? { $map: [...v] } : v;
}

export function stateReviver(_k: string, v: unknown): unknown {
  if (v && typeof v === 'object') {
    if ('$bigint' in v) return BigInt((v as { $bigint: string }).$bigint);
    if ('$map' in v) return new Map((v as { $map: [unknown, unknown][] }).$map);
  }
  return v;
}

export const encodeState = (s: unknown): Buffer => Buffer.from(JSON.stringify(s, stateReplacer));

export const decodeState = <S>(value: Buffer): S => JSON.parse(value.toString('utf8'), stateReviver) as S;

/** One changelog record (value null: a tombstone). */
export interface ChangelogRecord {
  key: string;
  value: Buffer | null;
}

export interface ChangelogCodec<S> {
  /**
   * The records that checkpoint `state` of `key` after a batch that changed it (undefined: the
   * key's state was deleted). Called once per changed key per transaction; the codec may forget
   * what it tracked as changed: if the transaction aborts, the runtime drops the partition's
   * in-memory state and restores it from the changelog.
   */
  encode(key: string, state: S | undefined): ChangelogRecord[];
  /** The states of a partition from its restored records (the latest value of each record key). */
  decode(records: Map<string, Buffer>): Map<string, S>;
}

/** One JSON record per key, the state as a whole. */
export function jsonChangelogCodec<S>(): ChangelogCodec<S> {
  return {
    encode: (key, state) => [{ key, value: state === undefined ? null : encodeState(state) }],
    decode(records) {
      const out = new Map<string, S>();
      for (const [key, value] of records) out.set(key, decodeState<S>(value));
      return out;
    },
  };
}
