// The GraphQL schema, one SDL module per area (sdl/*.ts). The order matters only in that the
// root types are declared before the modules that extend them.

import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';
import { adminSdl } from './sdl/admin.js';
import { alarmsSdl } from './sdl/alarms.js';
import { anomaliesSdl } from './sdl/anomalies.js';
import { baselinesSdl } from './sdl/baselines.js';
import { commonSdl } from './sdl/common.js';
import { devicesSdl } from './sdl/devices.js';
import { familiesSdl } from './sdl/families.js';
import { healthSdl } from './sdl/health.js';
import { liveSdl } from './sdl/live.js';
import { readingsSdl } from './sdl/readings.js';
import { rulesSdl } from './sdl/rules.js';
import { seriesSdl } from './sdl/series.js';
import { topologySdl } from './sdl/topology.js';

export const typeDefs = [commonSdl, devicesSdl, seriesSdl, readingsSdl, baselinesSdl, anomaliesSdl, healthSdl, familiesSdl, adminSdl, liveSdl, topologySdl, alarmsSdl, rulesSdl].join('\n');

export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
