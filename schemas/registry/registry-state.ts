// The registry's state, derived only by applying the log in order (see log-records.ts for the
// record kinds and why compaction is safe). Pure and synchronous: two replicas that applied the
// same records hold the same state, and a test can replay and compact logs without Kafka.

import type avro from 'avsc';
import { decodeLogRecord, type SchemaFact } from './log-records.js';
import { identityOf, parseCompatibilityLevel, parseStoredSchema, type CompatibilityLevel } from './avro-rules.js';

export interface Slot {
  subject: string;
  version: number;
  id: number;
  deleted: boolean;
  key: string; // key of the accepted SCHEMA record
  markerKey: string | null; // key of the DELETED marker, when soft-deleted
}

/** What applying one record did; a writer reads the outcome of its own proposal from it. */
export type ApplyOutcome =
  | { kind: 'schema'; proposal: string; accepted: true; duplicate: boolean }
  | { kind: 'schema'; proposal: string; accepted: false; reason: string }
  | { kind: 'other' };

export class RegistryState {
  private readonly subjects = new Map<string, Map<number, Slot>>();
  private readonly idToText = new Map<number, string>();
  private readonly idToIdentity = new Map<number, string>();
  private readonly identityToId = new Map<string, number>();
  private readonly types = new Map<number, avro.Type>(); // parsed lazily, by id
  private readonly configs = new Map<string | null, CompatibilityLevel>();
  private readonly garbage = new Set<string>(); // keys of rejected proposals not yet tombstoned
  private highestId = 0;

  apply(keyText: string, valueText: string | null): ApplyOutcome {
    const entry = decodeLogRecord(keyText, valueText);
    switch (entry.kind) {
      case 'schema':
        if (entry.fact) return this.applyFact(entry.key, entry.fact);
        this.garbage.delete(entry.key);
        this.removeSlotWithKey(entry.subject, entry.version, entry.key);
        return { kind: 'other' };
      case 'deleted': {
        const slot = this.subjects.get(entry.subject)?.get(entry.version);
        if (slot) {
          slot.deleted = entry.present;
          slot.markerKey = entry.present ? entry.key : null;
        }
        return { kind: 'other' };
      }
      case 'config':
        if (entry.config) this.configs.set(entry.subject, parseCompatibilityLevel(entry.config.compatibilityLevel));
        else this.configs.delete(entry.subject);
        return { kind: 'other' };
      case 'id':
        if (entry.schema !== null && !this.idToText.has(entry.id)) this.bind(entry.id, entry.schema, identityOf(entry.schema));
        return { kind: 'other' };
      default:
        return { kind: 'other' };
    }
  }

  private applyFact(key: string, fact: SchemaFact): ApplyOutcome {
    const reject = (reason: string): ApplyOutcome => {
      this.garbage.add(key);
      return { kind: 'schema', proposal: fact.proposal, accepted: false, reason };
    };
    const versions = this.subjects.get(fact.subject);
    const taken = versions?.get(fact.version);
    if (taken?.key === key) return { kind: 'schema', proposal: fact.proposal, accepted: true, duplicate: true };
    if (taken) return reject(`version ${fact.version} of subject "${fact.subject}" was taken first by schema id ${taken.id}`);
    const identity = identityOf(fact.schema);
    const boundIdentity = this.idToIdentity.get(fact.id);
    if (boundIdentity !== undefined && boundIdentity !== identity) return reject(`id ${fact.id} was taken first by another schema`);
    const boundId = this.identityToId.get(identity);
    if (boundId !== undefined && boundId !== fact.id) return reject(`the schema already has id ${boundId}`);
    if (boundIdentity === undefined) this.bind(fact.id, fact.schema, identity);
    const slots = versions ?? new Map<number, Slot>();
    this.subjects.set(fact.subject, slots);
    slots.set(fact.version, { subject: fact.subject, version: fact.version, id: fact.id, deleted: false, key, markerKey: null });
    return { kind: 'schema', proposal: fact.proposal, accepted: true, duplicate: false };
  }

  private bind(id: number, text: string, identity: string): void {
    this.idToText.set(id, text);
    this.idToIdentity.set(id, identity);
    this.identityToId.set(identity, id);
    if (id > this.highestId) this.highestId = id;
  }

  private removeSlotWithKey(subject: string, version: number, key: string): void {
    const slots = this.subjects.get(subject);
    if (slots?.get(version)?.key !== key) return;
    slots.delete(version);
    if (slots.size === 0) this.subjects.delete(subject);
  }

  // ---- queries ---------------------------------------------------------------------------

  /** Id the next new schema gets: 1 + the highest id bound so far (ids are never reused). */
  nextId(): number {
    return this.highestId + 1;
  }

  /** Version the next registration under `subject` gets: 1 + its highest version, deleted or not. */
  nextVersion(subject: string): number {
    const slots = this.subjects.get(subject);
    return slots && slots.size > 0 ? Math.max(...slots.keys()) + 1 : 1;
  }

  idForIdentity(identity: string): number | undefined {
    return this.identityToId.get(identity);
  }

  schemaText(id: number): string | undefined {
    return this.idToText.get(id);
  }

  typeOf(id: number): avro.Type {
    let type = this.types.get(id);
    if (!type) {
      type = parseStoredSchema(this.idToText.get(id)!);
      this.types.set(id, type);
    }
    return type;
  }

  subjectNames(includeDeleted: boolean): string[] {
    return [...this.subjects.keys()].filter((s) => this.slots(s, includeDeleted).length > 0).sort();
  }

  /** The subject's versions, oldest first. */
  slots(subject: string, includeDeleted: boolean): Slot[] {
    const slots = this.subjects.get(subject);
    if (!slots) return [];
    return [...slots.values()].filter((s) => includeDeleted || !s.deleted).sort((a, b) => a.version - b.version);
  }

  slot(subject: string, version: number): Slot | undefined {
    return this.subjects.get(subject)?.get(version);
  }

  hasSubject(subject: string): boolean {
    return this.subjects.has(subject);
  }

  /** Subject versions (deleted or not) whose schema has this id. */
  usesOfId(id: number): Slot[] {
    const out: Slot[] = [];
    for (const slots of this.subjects.values()) for (const s of slots.values()) if (s.id === id) out.push(s);
    return out.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version));
  }

  config(subject: string | null): CompatibilityLevel | undefined {
    return this.configs.get(subject);
  }

  /** Keys of rejected proposals still in the log; tombstoned by the next permanent delete. */
  garbageKeys(): string[] {
    return [...this.garbage];
  }

  /** A comparable snapshot of everything a client can observe (for tests and diagnostics). */
  snapshot(): object {
    const subjects: Record<string, unknown> = {};
    for (const name of [...this.subjects.keys()].sort()) {
      subjects[name] = this.slots(name, true).map((s) => ({ version: s.version, id: s.id, deleted: s.deleted }));
    }
    const ids = [...this.idToText.keys()].sort((a, b) => a - b).map((id) => [id, this.idToIdentity.get(id)]);
    const configs = [...this.configs.entries()].map(([s, l]) => [s, l]).sort();
    return { subjects, ids, configs, nextId: this.nextId() };
  }
}
