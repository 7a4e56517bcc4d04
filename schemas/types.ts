// TypeScript view of the Avro records in schemas/*.avsc, as avsc reads and writes them with the
// project's options (schemas/logical-types.ts): long → number (timestamps are ms since the Unix
// epoch, event time), long/uint64 → bigint, bytes → Buffer, map → Record, ["null", T] → T | null.
// Field meanings, units and time bases are documented in the .avsc files; keep both in step
// (schemas/schemas.test.ts checks that the field names match).

/** Why a reading failed (RawSnmpPoll, RawIcmpProbe, RawSshCapture, RawCienaReading). */
export interface ReadingError {
  code: string;
  message: string;
}

// ---- inventory.devices ----

export type SnmpVersion = 'v2c' | 'v3';

export interface SnmpAccess {
  version: SnmpVersion;
  port: number;
  /** Name of a stored credential, never the secret (credentials/credential-refs.ts). */
  credential: string;
  profiles: string[];
  /** Per-device request timeout, ms per attempt; null/absent: the collector's default. */
  timeoutMs?: number | null;
  /** Per-device retries after a timeout; null/absent: the collector's default. */
  retries?: number | null;
  /** SNMPv3 context name; null/absent: "". */
  context?: string | null;
}

export interface Device {
  deviceId: string;
  hostname: string;
  address: string;
  site: string;
  role: string;
  platform: string;
  vendor: string;
  status: string;
  tags: string[];
  labels: Record<string, string>;
  snmp: SnmpAccess | null;
  updatedAt: number;
}

// ---- telemetry.raw.snmp ----

export type SnmpValueKind =
  | 'COUNTER32'
  | 'COUNTER64'
  | 'GAUGE32'
  | 'INTEGER'
  | 'TIMETICKS'
  | 'OCTET_STRING'
  | 'OID'
  | 'IP_ADDRESS'
  | 'OPAQUE';

export interface SnmpValue {
  name: string;
  oid: string;
  index: string;
  kind: SnmpValueKind;
  counter: bigint | null;
  number: number | null;
  text: string | null;
}

export interface RawSnmpPoll {
  deviceId: string;
  collectorId: string;
  profile: string;
  polledAt: number;
  durationMs: number;
  sysUpTime: number | null;
  /** Later walk answers' sysUpTime.0, where it moved (empty: every value at sysUpTime). */
  responseUpTimes: SnmpResponseUpTime[];
  values: SnmpValue[];
  error: ReadingError | null;
}

export interface SnmpResponseUpTime {
  /** Position in values of the first value this answer carried. */
  firstValue: number;
  /** centiseconds */
  sysUpTime: number;
}

// ---- telemetry.raw.icmp ----

export interface RawIcmpProbe {
  deviceId: string;
  collectorId: string;
  target: string;
  sentAt: number;
  sent: number;
  received: number;
  rttMinMs: number | null;
  rttAvgMs: number | null;
  rttMaxMs: number | null;
  jitterMs: number | null;
  /** One entry per request sent, null for a request without reply. */
  rttsMs: Array<number | null>;
  error: ReadingError | null;
}

// ---- telemetry.raw.ssh ----

export interface ParsedValue {
  name: string;
  index: string;
  unit: string;
  value: number;
}

export interface RawSshCapture {
  deviceId: string;
  collectorId: string;
  platform: string;
  command: string;
  capturedAt: number;
  durationMs: number;
  output: string | null;
  values: ParsedValue[];
  error: ReadingError | null;
}

// ---- telemetry.raw.ciena ----

export type CienaReadingKind = 'PM' | 'ALARM' | 'INVENTORY';

export interface CienaValue {
  name: string;
  port: string;
  unit: string;
  value: number;
}

export interface CienaAlarm {
  alarmId: string;
  severity: string;
  condition: string;
  resource: string;
  serviceAffecting: boolean;
  raisedAt: number;
  description: string | null;
}

export interface RawCienaReading {
  deviceId: string;
  networkConstructId: string;
  collectorId: string;
  kind: CienaReadingKind;
  readAt: number;
  values: CienaValue[];
  alarms: CienaAlarm[] | null;
  error: ReadingError | null;
}

// ---- telemetry.raw.trap ----

export type TrapVersion = 'V1' | 'V2C' | 'V3';
export type TrapPduType = 'TRAP' | 'INFORM';

/** A notification varbind: the same shape as a polled value (name is the OID when unknown). */
export type TrapValue = SnmpValue;

export interface RawTrap {
  deviceId: string;
  receiverId: string;
  receivedAt: number;
  source: string;
  version: TrapVersion;
  pduType: TrapPduType;
  dedupKey: string;
  requestId: number;
  trapOid: string;
  agentUpTime: number | null;
  context: string | null;
  user: string | null;
  values: TrapValue[];
}

// ---- telemetry.metrics ----

export type MetricSource = 'snmp' | 'icmp' | 'ssh' | 'ciena';

export interface MetricSample {
  seriesKey: string;
  metric: string;
  labels: Record<string, string>;
  unit: string;
  value: number;
}

export interface MetricBatch {
  deviceId: string;
  /** A MetricSource; a string on the wire so new sources need no schema change. */
  source: string;
  ts: number;
  samples: MetricSample[];
}

// ---- telemetry.baselines ----

export interface Baseline {
  seriesKey: string;
  deviceId: string;
  metric: string;
  ts: number;
  expected: number;
  spread: number;
  lower: number;
  upper: number;
  seasonal: boolean;
  sampleCount: number;
}

// ---- telemetry.anomalies ----

export type AnomalyState = 'OPEN' | 'UPDATE' | 'CLOSE';
export type AnomalySeverity = 'INFO' | 'WARNING' | 'MINOR' | 'MAJOR' | 'CRITICAL';

export interface AnomalyEvent {
  anomalyId: string;
  state: AnomalyState;
  seriesKey: string;
  deviceId: string;
  metric: string;
  labels: Record<string, string>;
  startedAt: number;
  ts: number;
  endedAt: number | null;
  severity: AnomalySeverity;
  score: number;
  observed: number;
  expected: number;
  lower: number;
  upper: number;
  detector: string;
  reason: string;
}

// ---- telemetry.health ----

export interface HealthComponent {
  name: string;
  score: number;
  weight: number;
  detail: string | null;
}

export interface HealthScore {
  deviceId: string;
  ts: number;
  score: number;
  components: HealthComponent[];
}

// ---- telemetry.live ----

export interface LivePoint {
  seriesKey: string;
  value: number;
}

export interface LiveBatch {
  deviceId: string;
  ts: number;
  points: LivePoint[];
}

// ---- telemetry.dlq ----

export interface DeadLetter {
  originTopic: string;
  originPartition: number;
  originOffset: number;
  /** Optional when writing (the schema default is null); always present when read. */
  originTimestamp?: number | null;
  originKey: Buffer | null;
  originValue: Buffer;
  errorCode: string;
  errorMessage: string;
  stage: string;
  failedAt: number;
}

// ---- inventory.links ----

export type LinkSource = 'netbox' | 'lldp' | 'mcp';
export type LinkState = 'CONFIRMED' | 'NETBOX_ONLY' | 'UNDOCUMENTED' | 'OBSERVED';

export interface Link {
  linkId: string;
  aDeviceId: string;
  aInterface: string;
  bDeviceId: string;
  bInterface: string;
  sources: LinkSource[];
  state: LinkState;
  difference: string | null;
  speedBps: number | null;
  netboxCableId: string | null;
  updatedAt: number;
}

/** The record type of each topic. */
// ---- alarm.operations ----

export type AlarmOperationKind = 'SILENCE' | 'MAINTENANCE' | 'ACKNOWLEDGEMENT';
export type AlarmMatcherField = 'DEVICE' | 'SITE' | 'ROLE' | 'RULE' | 'SEVERITY';

export interface AlarmMatcher {
  field: AlarmMatcherField;
  /** true: value is a regular expression matching the whole property. */
  regex: boolean;
  value: string;
}

export interface AlarmRecurrence {
  timeZone: string;
  /** 0 = Sunday … 6 = Saturday. */
  days: number[];
  startMinute: number;
  durationMinutes: number;
}

export interface AlarmOperation {
  kind: AlarmOperationKind;
  id: string;
  matchers: AlarmMatcher[];
  startsAt: number;
  endsAt: number | null;
  recurrence: AlarmRecurrence | null;
  comment: string;
  createdBy: string;
  createdAt: number;
  expiredBy: string | null;
}

export interface TopicRecords {
  'inventory.devices': Device;
  'inventory.links': Link;
  'telemetry.raw.snmp': RawSnmpPoll;
  'telemetry.raw.icmp': RawIcmpProbe;
  'telemetry.raw.ssh': RawSshCapture;
  'telemetry.raw.ciena': RawCienaReading;
  'telemetry.raw.trap': RawTrap;
  'telemetry.metrics': MetricBatch;
  'telemetry.baselines': Baseline;
  'telemetry.anomalies': AnomalyEvent;
  'telemetry.health': HealthScore;
  'telemetry.live': LiveBatch;
  'telemetry.dlq': DeadLetter;
  'alarm.operations': AlarmOperation;
}
