// Avro in the Confluent wire format: magic byte 0, a 4-byte big-endian schema id, Avro binary.
// The registry client registers and fetches schemas; encoding and decoding run here, synchronously,
// against avsc types cached by schema id, because a promise per message costs more than the
// decoding itself at the rates the pipeline runs.
import avsc from 'avsc';
import SchemaRegistryModule from '@kafkajs/confluent-schema-registry';
import { OpsError } from '../common/errors.js';
import { avroOptions, schemaRegistryOptions } from '../schemas/logical-types.js';
import { schemaFor, subjectFor } from '../schemas/index.js';

const { SchemaRegistry, SchemaType } = SchemaRegistryModule;
type AvroType = avsc.Type;
const MAGIC = 0;
const HEADER = 5; // bytes: magic + schema id
// An id the registry did not know is asked for again only after this long (a schema registered
// late still gets read), and at most this many such ids are remembered: without it, every message
// of a flood of made-up ids cost the registry client's full retry series, and stalled the consumer.
const UNKNOWN_ID_RETRY_MS = 60_000;
const UNKNOWN_IDS_KEPT = 10_000;

export type Decoded = { ok: true; value: unknown; schemaId: number } | { ok: false; error: OpsError };

export interface AvroSerde {
  /** Registers (or finds) the schema of each topic under `<topic>-value`; run before encode. */
  prepare(topics: string[]): Promise<void>;
  encode(topic: string, value: unknown): Buffer;
  /** Decodes a batch; fetches unknown writer schemas first; one bad message never fails the rest. */
  decodeMany(topic: string, buffers: (Buffer | null)[]): Promise<Decoded[]>;
}

export function createAvroSerde(opts: { registryUrl: string; topicPrefix?: string }): AvroSerde {
  const prefix = opts.topicPrefix ?? '';
  // A prefixed topic carries the schema of its base name; its subject stays per topic.
  const schemaOf = (topic: string) => schemaFor(prefix && topic.startsWith(prefix) ? topic.slice(prefix.length) : topic);
  const registry = new SchemaRegistry({ host: opts.registryUrl, retry: { retries: 5 } }, schemaRegistryOptions);
  const writers = new Map<string, { id: number; type: AvroType }>(); // topic → our schema
  const byId = new Map<number, AvroType>(); // writer schemas seen on the wire
  const resolvers = new Map<string, avsc.Resolver | null>(); // `${topic}:${id}` → resolver (null: same type)
  const unknownUntil = new Map<number, number>(); // ids the registry did not know → when to ask again
  let scratch = Buffer.allocUnsafe(64 * 1024);

  const readerType = (topic: string): AvroType => {
    let w = writers.get(topic);
    if (!w) {
      const type = avsc.Type.forSchema(schemaOf(topic) as avsc.Schema, avroOptions);
      w = { id: -1, type };
      writers.set(topic, w);
    }
    return w.type;
  };

  const fetchWriter = async (id: number) => {
    if (byId.has(id)) return;
    let schema: unknown;
    try {
      schema = await registry.getSchema(id);
    } catch (err) {
      throw new OpsError('SERDE_SCHEMA_UNKNOWN', `schema id ${id} is not known to the registry at ${opts.registryUrl}: ${(err as Error).message}`, { cause: err });
    }
    // getSchema returns an avsc type built without our logical types: rebuild from its JSON.
    const json = typeof (schema as { toJSON?: unknown }).toJSON === 'function' ? (schema as AvroType).schema() : schema;
    byId.set(id, avsc.Type.forSchema(json as avsc.Schema, avroOptions));
  };

  const explainInvalid = (type: AvroType, value: unknown): string => {
    const problems: string[] = [];
    type.isValid(value, { errorHook: (path, v) => problems.push(`${path.join('.') || '(root)'}=${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x))?.slice(0, 80)}`) });
    return problems.slice(0, 5).join('; ') || 'value does not match the schema';
  };

  return {
    async prepare(topics) {
      for (const topic of topics) {
        const type = readerType(topic);
        const { id } = await registry.register(
          { type: SchemaType.AVRO, schema: JSON.stringify(schemaOf(topic)) },
          { subject: subjectFor(topic) },
        );
        writers.set(topic, { id, type });
        byId.set(id, type);
        resolvers.set(`${topic}:${id}`, null);
      }
    },

    encode(topic, value) {
      const w = writers.get(topic);
      if (!w || w.id < 0) throw new OpsError('SERDE_ENCODE_FAILED', `no schema prepared for topic ${topic}; call prepare() first`);
      for (;;) {
        let end: number;
        try {
          end = w.type.encode(value, scratch, HEADER);
        } catch (err) {
          throw new OpsError('SERDE_ENCODE_FAILED', `cannot encode a ${topic} record: ${explainInvalid(w.type, value)}`, { cause: err });
        }
        if (end < 0) {
          scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
          continue;
        }
        scratch[0] = MAGIC;
        scratch.writeUInt32BE(w.id, 1);
        return Buffer.from(scratch.subarray(0, end));
      }
    },

    async decodeMany(topic, buffers) {
      const reader = readerType(topic);
      const missing = new Set<number>();
      for (const b of buffers) if (b && b.length >= HEADER && b[0] === MAGIC && !byId.has(b.readUInt32BE(1))) missing.add(b.readUInt32BE(1));
      for (const id of missing) {
        if ((unknownUntil.get(id) ?? 0) > Date.now()) continue;
        // Reported per message below.
        await fetchWriter(id).then(
          () => unknownUntil.delete(id),
          () => {
            unknownUntil.delete(id); // re-inserted last: the map's order is oldest first
            unknownUntil.set(id, Date.now() + UNKNOWN_ID_RETRY_MS);
            if (unknownUntil.size > UNKNOWN_IDS_KEPT) unknownUntil.delete(unknownUntil.keys().next().value!);
          },
        );
      }
      return buffers.map((b): Decoded => {
        if (!b || b.length < HEADER || b[0] !== MAGIC)
          return { ok: false, error: new OpsError('SERDE_DECODE_FAILED', `not Confluent wire format (magic byte ${b?.[0] ?? 'missing'}, ${b?.length ?? 0} bytes)`) };
        const id = b.readUInt32BE(1);
        const writer = byId.get(id);
        if (!writer) return { ok: false, error: new OpsError('SERDE_SCHEMA_UNKNOWN', `schema id ${id} is not in the registry`) };
        const key = `${topic}:${id}`;
        let resolver = resolvers.get(key);
        if (resolver === undefined) {
          try {
            resolver = writer === reader ? null : reader.createResolver(writer);
          } catch (err) {
            return { ok: false, error: new OpsError('SERDE_DECODE_FAILED', `schema id ${id} cannot be read as ${topic}: ${(err as Error).message}`) };
          }
          resolvers.set(key, resolver);
        }
        try {
          const value = resolver ? reader.fromBuffer(b.subarray(HEADER), resolver) : writer.fromBuffer(b.subarray(HEADER));
          return { ok: true, value, schemaId: id };
        } catch (err) {
          return { ok: false, error: new OpsError('SERDE_DECODE_FAILED', `Avro body of schema id ${id} is malformed: ${(err as Error).message}`) };
        }
      });
    },
  };
}
