// Every area's resolvers and loaders, merged for mercurius. Roles are not checked here: the
// document is checked as a whole before execution (auth/document-check.ts, from @requires).

import { adminResolvers } from '../admin/admin-resolvers.js';
import { alarmsLoaders, alarmsResolvers } from '../alarms/alarms-resolvers.js';
import { anomaliesLoaders, anomaliesResolvers } from '../anomalies/anomalies-resolvers.js';
import { devicesLoaders, devicesResolvers } from '../devices/devices-resolvers.js';
import { healthResolvers } from '../health/health-resolvers.js';
import { liveResolvers } from '../live/live-resolvers.js';
import { readingsResolvers } from '../readings/readings-resolvers.js';
import { rulesResolvers } from '../rules/rules-resolvers.js';
import { seriesLoaders, seriesResolvers } from '../series/series-resolvers.js';
import { topologyResolvers } from '../topology/topology-resolvers.js';
import { JsonScalar } from './schema.js';

type ResolverMap = Record<string, Record<string, unknown>>;

function merge(...maps: ResolverMap[]): ResolverMap {
  const out: ResolverMap = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      for (const field of Object.keys(fields)) {
        if (out[type]?.[field] !== undefined) throw new Error(`resolver ${type}.${field} is defined twice`);
      }
      out[type] = { ...out[type], ...fields };
    }
  }
  return out;
}

export const resolvers = {
  JSON: JsonScalar,
  ...merge(adminResolvers, devicesResolvers, seriesResolvers, readingsResolvers, anomaliesResolvers, healthResolvers, liveResolvers, topologyResolvers, alarmsResolvers, rulesResolvers),
};

export const loaders = merge(devicesLoaders, seriesLoaders, anomaliesLoaders, alarmsLoaders);
