// The registry's operations, in Confluent's terms, over a SchemaLog and the state derived from it.
//
// Writes: catch up with the log, decide from that state (same schema already there? compatible?
// which id and version come next?), append the resulting facts, wait until our own consumer has
// applied them and answer from what the log decided. A registration whose predicted version or
// id was taken first by another replica is retracted and decided again from the newer state, so
// a schema that the log order made incompatible answers 409.
// Reads answer from the local state; a miss (404) first catches up with the log and looks again,
// so a client that wrote through one replica and reads through another sees its write.

import { randomUUID } from 'node:crypto';
import { Counter } from 'prom-client';
import type { Logger } from '../../common/log.js';
import { RegistryError } from './errors.js';
import { compatibilityProblems, parseAvroSchema, parseCompatibilityLevel, type CompatibilityLevel } from './avro-rules.js';
import { configWrite, deletedWrite, idWrite, schemaKey, schemaWrite, tombstone, type LogWrite } from './log-records.js';
import { AppliedLog } from './applied-log.js';
import type { RegistryState, Slot } from './registry-state.js';
import type { SchemaLog } from './schema-log.js';

export const registryDefaults = {
  compatibility: 'BACKWARD' as CompatibilityLevel,
  writeTimeout: 30_000, // ms to wait for our own append to be applied
  readyTimeout: 120_000, // ms to read the existing log at start
  registerAttempts: 5, // decisions re-taken after losing a race to another replica
};

const writesTotal = new Counter({
  name: 'oc_registry_writes_total',
  help: 'Registry write requests by operation and outcome',
  labelNames: ['op', 'outcome'] as const,
});
const raceLosses = new Counter({
  name: 'oc_registry_write_conflicts_total',
  help: 'Registrations whose predicted version or id was taken first by another replica',
});

export type VersionRef = number | 'latest';

export interface SubjectVersion {
  subject: string;
  version: number;
  id: number;
  schema: string;
}

export function parseVersion(raw: string): VersionRef {
  if (raw === 'latest' || raw === '-1') return 'latest';
  const n = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 31 - 1) {
    throw new RegistryError(
      'INVALID_VERSION',
      `The specified version '${raw}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
    );
  }
  return n;
}

export class RegistryService {
  private readonly applied: AppliedLog;
  private readonly state: RegistryState;
  private writeQueue: Promise<unknown> = Promise.resolve();
  private readonly logger: Logger;
  ready = false;

  constructor(log: SchemaLog, logger: Logger) {
    this.logger = logger.child({ component: 'registry' });
    this.applied = new AppliedLog(log, this.logger, registryDefaults.writeTimeout);
    this.state = this.applied.state;
  }

  /** Reads the log up to the end offset seen now; resolves when this replica is ready. */
  async start(): Promise<void> {
    const end = await this.applied.start(registryDefaults.readyTimeout);
    this.ready = true;
    this.logger.info('registry state loaded', { topic: this.applied.topic, lastOffset: end });
  }

  private catchUp(): Promise<void> {
    return this.applied.catchUp();
  }

  private append(records: LogWrite[]): Promise<void> {
    return this.applied.append(records);
  }

  /** Writes of one replica run one at a time, so they never race each other. */
  private exclusive<T>(op: string, fn: () => Promise<T>): Promise<T> {
    const run = this.writeQueue.then(fn, fn);
    this.writeQueue = run.catch(() => undefined);
    return run.then(
      (v) => (writesTotal.inc({ op, outcome: 'ok' }), v),
      (err) => {
        writesTotal.inc({ op, outcome: err instanceof RegistryError ? err.code : 'error' });
        throw err;
      },
    );
  }

  /** Runs a read; when it misses (404), catches up with the log and runs it once more. */
  private async read<T>(fn: () => T): Promise<T> {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof RegistryError) || err.status !== 404) throw err;
      await this.catchUp();
      return fn();
    }
  }

  // ---- helpers over the state -------------------------------------------------------------

  private effectiveLevel(subject: string): CompatibilityLevel {
    return this.state.config(subject) ?? this.state.config(null) ?? registryDefaults.compatibility;
  }

  private liveSlots(subject: string, includeDeleted = false): Slot[] {
    const slots = this.state.slots(subject, includeDeleted);
    if (slots.length === 0) throw new RegistryError('SUBJECT_NOT_FOUND', `Subject '${subject}' not found.`);
    return slots;
  }

  private findSlot(subject: string, ref: VersionRef, includeDeleted = false): Slot {
    const slots = this.liveSlots(subject, includeDeleted);
    const slot = ref === 'latest' ? slots[slots.length - 1] : slots.find((s) => s.version === ref);
    if (!slot) throw new RegistryError('VERSION_NOT_FOUND', `Version ${ref} not found for subject '${subject}'.`);
    return slot;
  }

  private view(slot: Slot): SubjectVersion {
    return { subject: slot.subject, version: slot.version, id: slot.id, schema: this.state.schemaText(slot.id)! };
  }

  // ---- reads ------------------------------------------------------------------------------

  schemaById(id: number): Promise<{ schema: string; uses: Array<{ subject: string; version: number }> }> {
    return this.read(() => {
      const uses = this.state.usesOfId(id);
      if (uses.length === 0) throw new RegistryError('SCHEMA_NOT_FOUND', `Schema ${id} not found`);
      return { schema: this.state.schemaText(id)!, uses: uses.map((s) => ({ subject: s.subject, version: s.version })) };
    });
  }

  subjects(includeDeleted: boolean): string[] {
    return this.state.subjectNames(includeDeleted);
  }

  versions(subject: string, includeDeleted: boolean): Promise<number[]> {
    return this.read(() => this.liveSlots(subject, includeDeleted).map((s) => s.version));
  }

  version(subject: string, ref: VersionRef, includeDeleted: boolean): Promise<SubjectVersion> {
    return this.read(() => this.view(this.findSlot(subject, ref, includeDeleted)));
  }

  /** POST /subjects/{s}: the version of this subject holding the given schema. */
  lookup(subject: string, body: { schema?: unknown; schemaType?: unknown }, includeDeleted: boolean): Promise<SubjectVersion> {
    const parsed = parseAvroSchema(body.schema, body.schemaType);
    return this.read(() => {
      const slots = this.liveSlots(subject, includeDeleted);
      const id = this.state.idForIdentity(parsed.identity);
      const slot = slots.find((s) => s.id === id);
      if (!slot) throw new RegistryError('SCHEMA_NOT_FOUND', `Schema not found under subject '${subject}'`);
      return this.view(slot);
    });
  }

  globalConfig(): CompatibilityLevel {
    return this.state.config(null) ?? registryDefaults.compatibility;
  }

  subjectConfig(subject: string, defaultToGlobal: boolean): Promise<CompatibilityLevel> {
    return this.read(() => {
      const level = this.state.config(subject) ?? (defaultToGlobal ? this.globalConfig() : undefined);
      if (!level) throw new RegistryError('SUBJECT_CONFIG_NOT_FOUND', `Subject '${subject}' does not have subject-level compatibility configured`);
      return level;
    });
  }

  /** POST /compatibility/subjects/{s}/versions/{v}: problems of the schema against that version
   * (or, for "latest", against what the subject's level checks); empty means compatible. */
  async compatibility(subject: string, ref: VersionRef, body: { schema?: unknown; schemaType?: unknown }): Promise<string[]> {
    const parsed = parseAvroSchema(body.schema, body.schemaType);
    const level = this.effectiveLevel(subject);
    if (ref === 'latest') {
      const slots = this.state.slots(subject, false);
      return compatibilityProblems(parsed.type, slots.map((s) => ({ version: s.version, type: this.state.typeOf(s.id) })), level);
    }
    const slot = await this.read(() => this.findSlot(subject, ref));
    const single = level.replace('_TRANSITIVE', '') as CompatibilityLevel;
    return compatibilityProblems(parsed.type, [{ version: slot.version, type: this.state.typeOf(slot.id) }], single);
  }

  // ---- writes -----------------------------------------------------------------------------

  register(subject: string, body: { schema?: unknown; schemaType?: unknown; references?: unknown }): Promise<{ id: number }> {
    const parsed = parseAvroSchema(body.schema, body.schemaType);
    if (Array.isArray(body.references) && body.references.length > 0) {
      throw new RegistryError('INVALID_SCHEMA', `Invalid schema for subject '${subject}': schema references are not supported by this registry`);
    }
    return this.exclusive('register', async () => {
      for (let attempt = 1; attempt <= registryDefaults.registerAttempts; attempt++) {
        await this.catchUp();
        const knownId = this.state.idForIdentity(parsed.identity);
        const same = this.state.slots(subject, false).find((s) => s.id === knownId);
        if (same) return { id: same.id };
        const level = this.effectiveLevel(subject);
        const live = this.state.slots(subject, false).map((s) => ({ version: s.version, type: this.state.typeOf(s.id) }));
        const problems = compatibilityProblems(parsed.type, live, level);
        if (problems.length > 0) {
          throw new RegistryError(
            'INCOMPATIBLE_SCHEMA',
            `Schema being registered is incompatible with an earlier schema for subject "${subject}" (compatibility ${level}): ${problems.join('; ')}`,
          );
        }
        const fact = {
          subject,
          version: this.state.nextVersion(subject),
          id: knownId ?? this.state.nextId(),
          schema: parsed.text,
          proposal: randomUUID(),
        };
        const outcome = await this.applied.propose(fact.proposal, schemaWrite(fact));
        if (outcome?.kind === 'schema' && outcome.accepted) {
          this.logger.info('schema registered', { subject, version: fact.version, id: fact.id });
          return { id: fact.id };
        }
        raceLosses.inc();
        const reason = outcome?.kind === 'schema' && !outcome.accepted ? outcome.reason : 'no outcome';
        this.logger.info('registration lost a race, deciding again', { subject, attempt, reason });
        await this.append([tombstone(schemaKey(fact.subject, fact.version, fact.proposal))]);
      }
      throw new RegistryError('STORE_ERROR', `Register under subject '${subject}' kept losing races with other writers; try again`);
    });
  }

  /** Records that permanently delete these slots, preceded by the tombstones of all garbage
   * (rejected proposals) and the id bindings that must outlive the slots (see log-records.ts). */
  private permanentDeletion(slots: Slot[]): LogWrite[] {
    const writes = this.state.garbageKeys().map(tombstone);
    for (const s of slots) writes.push(idWrite(s.id, this.state.schemaText(s.id)!));
    for (const s of slots) {
      writes.push(tombstone(s.key));
      if (s.markerKey) writes.push(tombstone(s.markerKey));
    }
    return writes;
  }

  deleteVersion(subject: string, ref: VersionRef, permanent: boolean): Promise<number> {
    return this.exclusive('delete-version', async () => {
      await this.catchUp();
      // A numbered version is found even when soft-deleted (to answer 40406 / delete it for good).
      const slot = this.findSlot(subject, ref, ref !== 'latest' || permanent);
      if (!permanent) {
        if (slot.deleted) throw new RegistryError('VERSION_SOFT_DELETED', `Subject '${subject}' Version ${slot.version} was soft deleted. Set permanent=true to delete permanently`);
        await this.append([deletedWrite(subject, slot.version)]);
      } else {
        if (!slot.deleted) throw new RegistryError('VERSION_NOT_SOFT_DELETED', `Subject '${subject}' Version ${slot.version} was not deleted first before being permanently deleted`);
        await this.append(this.permanentDeletion([slot]));
      }
      return slot.version;
    });
  }

  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.exclusive('delete-subject', async () => {
      await this.catchUp();
      const all = this.liveSlots(subject, true);
      const live = all.filter((s) => !s.deleted);
      if (!permanent) {
        if (live.length === 0) throw new RegistryError('SUBJECT_SOFT_DELETED', `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`);
        await this.append(live.map((s) => deletedWrite(subject, s.version)));
        return live.map((s) => s.version);
      }
      if (live.length > 0) throw new RegistryError('SUBJECT_NOT_SOFT_DELETED', `Subject '${subject}' was not deleted first before being permanently deleted`);
      const writes = this.permanentDeletion(all);
      if (this.state.config(subject)) writes.push(configWrite(subject, null));
      await this.append(writes);
      return all.map((s) => s.version);
    });
  }

  /** Sets the compatibility level of a subject, or the global one when subject is null. */
  setConfig(subject: string | null, body: { compatibility?: unknown; compatibilityLevel?: unknown }): Promise<CompatibilityLevel> {
    const level = parseCompatibilityLevel(body?.compatibility ?? body?.compatibilityLevel);
    return this.exclusive('config', async () => {
      await this.append([configWrite(subject, level)]);
      return level;
    });
  }

  deleteConfig(subject: string): Promise<CompatibilityLevel> {
    return this.exclusive('config', async () => {
      await this.catchUp();
      const previous = this.state.config(subject);
      if (!previous) throw new RegistryError('SUBJECT_CONFIG_NOT_FOUND', `Subject '${subject}' does not have subject-level compatibility configured`);
      await this.append([configWrite(subject, null)]);
      return previous;
    });
  }
}
