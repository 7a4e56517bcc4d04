// Alarm operations: silences, maintenance windows, and what holds an anomaly's page back. Stored
// as records on alarm.operations (alarms/, api/alarms/); operators change them, viewers read them.

import { MATCHER_LIMITS } from '../../../alarms/alarm-match.js';
import { API_DEFAULTS } from '../../defaults.js';

const { alarmOperations: list } = API_DEFAULTS.lists;

export const alarmsSdl = /* GraphQL */ `
  "What of an anomaly a matcher compares: its device, the device's site or role, its detector (rule), its severity."
  enum AlarmMatcherField {
    DEVICE
    SITE
    ROLE
    RULE
    SEVERITY
  }

  type AlarmMatcher {
    field: AlarmMatcherField!
    value: String!
    "value is a regular expression matching the whole property"
    regex: Boolean!
  }

  input AlarmMatcherInput {
    field: AlarmMatcherField!
    value: String!
    regex: Boolean = false
  }

  "No page for a matching anomaly while in force (startsAt ≤ now < endsAt)."
  type Silence {
    id: ID!
    "all must match"
    matchers: [AlarmMatcher!]! @list(max: ${MATCHER_LIMITS.maxMatchers})
    startsAt: Float!
    endsAt: Float!
    comment: String!
    createdBy: String!
    createdAt: Float!
    "who ended it early (endsAt then says when)"
    expiredBy: String
    "in force now"
    active: Boolean!
  }

  "Either endsAt or durationMinutes; startsAt defaults to now."
  input SilenceInput {
    matchers: [AlarmMatcherInput!]!
    startsAt: Float
    endsAt: Float
    durationMinutes: Int
    comment: String!
  }

  "Weekly: on these days (0 = Sunday … 6 = Saturday) from startMinute of the local day, for durationMinutes."
  type Recurrence {
    timeZone: String!
    days: [Int!]!
    startMinute: Int!
    durationMinutes: Int!
  }

  input RecurrenceInput {
    timeZone: String!
    days: [Int!]!
    startMinute: Int!
    durationMinutes: Int!
  }

  "An anomaly that opens while a window is in force is not paged. One-off (startsAt–endsAt) or recurring (recurrence, between startsAt and an optional endsAt); per site or device."
  type MaintenanceWindow {
    id: ID!
    "DEVICE or SITE matchers, all must match"
    matchers: [AlarmMatcher!]! @list(max: ${MATCHER_LIMITS.maxMatchers})
    startsAt: Float!
    endsAt: Float
    recurrence: Recurrence
    comment: String!
    createdBy: String!
    createdAt: Float!
    expiredBy: String
    "in force now"
    active: Boolean!
  }

  input MaintenanceInput {
    matchers: [AlarmMatcherInput!]!
    startsAt: Float
    "required for a one-off window"
    endsAt: Float
    recurrence: RecurrenceInput
    comment: String!
  }

  enum AlarmSuppressionKind {
    SILENCE
    MAINTENANCE
  }

  "Why an anomaly is not paged: a silence in force now, or the maintenance window it opened in."
  type AlarmSuppression {
    kind: AlarmSuppressionKind!
    id: ID!
    comment: String!
    createdBy: String!
    endsAt: Float
  }

  "The down device an anomaly is a consequence of (parent-down suppression): a parent its device is reachable only through, or its own device."
  type ParentDown {
    deviceId: ID!
    "its open device-down anomaly, the root cause"
    anomalyId: ID
  }

  extend type Anomaly {
    "what holds its page back now; null when nothing does"
    silenced: AlarmSuppression
    "open and reachable only through a down device, or a consequence of its own device being down (not the outage itself): not paged, shown dimmed; null otherwise (or when PARENT_DOWN_UPSTREAM is not set)"
    suppressedBy: ParentDown
    "on the open device-down anomaly of a root cause: how many devices are reachable only through its device; else 0"
    suppressing: Int!
  }

  extend type Query {
    "Silences, newest first (the first first); ended ones too when includeEnded."
    silences(includeEnded: Boolean = false, first: Int = ${list.default}): [Silence!]! @list(max: ${list.max})
    "Maintenance windows, newest first (the first first); ended ones too when includeEnded."
    maintenance(includeEnded: Boolean = false, first: Int = ${list.default}): [MaintenanceWindow!]! @list(max: ${list.max})
  }

  extend type Mutation {
    createSilence(input: SilenceInput!): Silence! @requires(role: operator)
    "Ends the silence now (kept in the list as ended)."
    expireSilence(id: ID!): Silence! @requires(role: operator)
    createMaintenance(input: MaintenanceInput!): MaintenanceWindow! @requires(role: operator)
    "Ends the window now: no occurrence after this."
    expireMaintenance(id: ID!): MaintenanceWindow! @requires(role: operator)
  }

  extend type Subscription {
    "Silences as they are created or ended, on any replica."
    silences: Silence!
    "Maintenance windows as they are created or ended, on any replica."
    maintenance: MaintenanceWindow!
  }
`;
