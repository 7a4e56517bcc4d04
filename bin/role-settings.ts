// The settings schema of each long-running role, in one table: `--help`, `config check` and
// `config reference` (docs/configuration.md) read it, so none of them can drift from what the roles
// really load. bin/ is the composition root: it alone may import every stage.
import type { Setting } from '../common/config.js';
import { collectorSettings } from '../collectors/settings.js';
import { trapSettings } from '../collectors/traps/settings.js';
import { processorSettings } from '../processors/settings.js';
import { sinkSettings } from '../sinks/settings.js';
import { notifySettings } from '../sinks/notify/settings.js';
import { exporterSettings } from '../sinks/prometheus/settings.js';
import { apiSettings } from '../api/settings.js';
import { registrySettings } from '../schemas/registry/settings.js';
import { labSettings } from '../infra/lab/lab-settings.js';
import { credentialStoreSettings } from '../credentials/settings.js';

export const ROLE_SETTINGS: Record<string, Record<string, Setting>> = {
  collector: collectorSettings,
  traps: trapSettings,
  processor: processorSettings,
  sink: sinkSettings,
  api: apiSettings,
  notifier: notifySettings,
  exporter: exporterSettings,
  registry: registrySettings,
  lab: labSettings,
};

/** The roles of the pipeline proper; the registry shares their Kafka settings, not the rest. */
const PIPELINE_ROLES = ['collector', 'traps', 'processor', 'sink', 'api', 'notifier', 'exporter'];

export const SCHEMA_ROLES = Object.keys(ROLE_SETTINGS);

/** Commands that are not roles (no service, no ops port) but read settings the same way: their
 * --help, `config check --role NAME` and the reference come from these schemas. They read the
 * environment only (OC_CONFIG is a role's file). */
export const COMMAND_SETTINGS: Record<string, Record<string, Setting>> = {
  credentials: credentialStoreSettings,
};

const same = (a: Setting, b: Setting) => a.env === b.env && a.doc === b.doc && JSON.stringify(a.default) === JSON.stringify(b.default);

/** Settings every pipeline role has, identically (Kafka, registry, TLS/SASL, ops host), and the rest per role. */
export function splitSharedSettings(): { shared: Record<string, Setting>; own: Record<string, Record<string, Setting>> } {
  const [first, ...others] = PIPELINE_ROLES.map((r) => ROLE_SETTINGS[r]);
  const shared = Object.fromEntries(Object.entries(first).filter(([k, s]) => others.every((o) => o[k] !== undefined && same(o[k], s))));
  const own = Object.fromEntries(Object.entries(ROLE_SETTINGS).map(([role, settings]) => [role, Object.fromEntries(Object.entries(settings).filter(([k]) => !(k in shared)))]));
  return { shared, own };
}
