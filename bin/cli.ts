// One CLI, a subcommand per role. Each role runs in its own process and scales on its own; the
// local orchestration commands (demo, test, bench) start the others as child processes.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPILED, projectRoot } from '../common/project-root.js';

/** Roles configured only by the environment (bin/role-settings.ts holds their schemas). */
const SCHEMA_ROLES = ['collector', 'traps', 'processor', 'sink', 'api', 'notifier', 'exporter', 'registry', 'lab'];

const usage = `usage: opsconductor <command> [args]

roles (one process each, configured by environment variables, see README):
  collector     poll the devices assigned to this replica and publish raw readings
  traps         receive SNMP traps and informs (UDP) and publish them, matched to inventory devices
  processor     derive metrics and live points from raw readings
  sink          bulk-copy metrics into PostgreSQL / TimescaleDB
  api           GraphQL API, subscriptions and the dashboard
  notifier      deliver anomaly OPEN/CLOSE to webhooks and e-mail by route (NOTIFY_ROUTES_FILE)
  exporter      serve the latest device metrics for Prometheus to scrape (OpenMetrics, EXPORTER_PORT)
  registry      Confluent-compatible schema registry backed by Kafka
  lab           simulated device network (snmpsim agents)
  stack         local Kafka, PostgreSQL and Redis  [--profile dev|test|cluster] [--brokers 1|3]

tools:
  config check [--role R] | reference   validate settings without starting anything; the settings reference
  errors                   the error codes: meaning and whether retrying helps (docs/errors.md)
  profiles check FILE... | list [--dir DIR]   validate SNMP profile files; the profiles a collector knows
  rules check FILE... | list [--dir DIR]      validate anomaly rule files; the rules a processor fires
  inventory import FILE    publish a YAML inventory to inventory.devices
  inventory sync-netbox | serve-webhook   NetBox as the inventory source
  inventory sync-links     NetBox cables + LLDP neighbours → inventory.links (the topology)
  credentials keygen | list | put NAME | delete NAME   the encrypted credential store
  credentials import-labels FILE.yaml [--dry-run]      move an inventory's clear-text secrets into the store
  replay --from T [--to T] [--target-prefix P]   reprocess raw topics into the outputs (event time T)
  token [--role viewer|operator|analyst|admin] [--sub NAME] [--ttl SECONDS]   mint an API token
  demo                     everything above on this machine, with live charts (npm start)
  test                     the whole test suite against a local stack (npm test)
  bench NAME               a benchmark (npm run bench -- NAME)

  opsconductor ROLE --help   the role's settings (environment names, defaults, meaning); also credentials --help
  opsconductor --version
`;

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Commands that are not roles but take their settings from a schema (bin/role-settings.ts COMMAND_SETTINGS). */
const SCHEMA_COMMANDS = ['credentials'];

async function roleHelp(role: string, out: NodeJS.WriteStream, exitCode: number): Promise<void> {
  const { helpSettings } = await import('../common/config.js');
  const { ROLE_SETTINGS, COMMAND_SETTINGS } = await import('./role-settings.js');
  const lines = usage.split('\n').filter((l) => l.trimStart().startsWith(`${role} `)).map((l) => l.trim());
  const command = role in COMMAND_SETTINGS;
  const where = command ? 'environment only' : 'environment, or keys of the YAML file named by OC_CONFIG';
  out.write(`usage: opsconductor ${role}${command ? ' ...' : ''}\n  ${lines.join('\n  ') || role}\n\nsettings (${where}; docs/configuration.md):\n${helpSettings(command ? COMMAND_SETTINGS[role] : ROLE_SETTINGS[role])}\n`);
  process.exitCode = exitCode;
}

/** Tests and benches are not part of the compiled build: imported by a computed name, so the
 * build's tsc does not follow them into dist/, and refused there with a message. */
async function fromCheckout(specifier: string): Promise<unknown> {
  if (COMPILED) throw new Error('tests and benches run from a checkout (npm test, npm run bench), not from the compiled build');
  return import(specifier);
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const roles: Record<string, () => Promise<unknown>> = {
    collector: async () => (await import('../collectors/collector-role.js')).runCollectorRole(),
    traps: async () => (await import('../collectors/traps/traps-role.js')).runTrapsRole(),
    processor: async () => (await import('../processors/processor-role.js')).runProcessorRole(),
    sink: async () => (await import('../sinks/sink-role.js')).runSinkRole(),
    api: async () => (await import('../api/api-role.js')).runApiRole(),
    notifier: async () => (await import('../sinks/notify/notify-role.js')).runNotifierRole(),
    exporter: async () => (await import('../sinks/prometheus/exporter-role.js')).runExporterRole(),
    registry: async () => (await import('../schemas/registry/registry-command.js')).runRegistryCommand(process.env),
    lab: async () => (await import('../infra/lab/lab-command.js')).runLabCommand(process.env),
    stack: async () => (await import('../infra/stack-command.js')).runStackCommand(rest),
    replay: async () => (await import('../processors/replay/replay-command.js')).runReplayCommand(rest),
    inventory: async () => (await import('../collectors/inventory/inventory-command.js')).runInventoryCommand(rest),
    profiles: async () => process.exit((await import('../collectors/snmp/profiles-command.js')).runProfilesCommand(rest)),
    rules: async () => process.exit((await import('../processors/rules/rules-command.js')).runRulesCommand(rest)),
    token: async () => (await import('./token-command.js')).runTokenCommand(rest),
    credentials: async () => (await import('../credentials/credentials-command.js')).runCredentialsCommand(rest),
    demo: async () => (await import('../infra/demo.js')).runDemo(),
    test: async () => process.exit(await ((await fromCheckout('../infra/test-run.js')) as { runTests(a: string[]): Promise<number> }).runTests(rest)),
    config: async () => process.exit(await (await import('./config-command.js')).runConfigCommand(rest)),
    errors: async () => process.exit((await import('./errors-command.js')).runErrorsCommand(rest)),
    bench: async () => ((await fromCheckout('../bench/run.js')) as { runBench(a: string[]): Promise<void> }).runBench(rest),
  };
  if (command === '--version' || command === '-V' || command === 'version') {
    process.stdout.write(`opsconductor ${packageVersion()}\n`);
    return;
  }
  if (command === 'help' && (SCHEMA_ROLES.includes(rest[0]) || SCHEMA_COMMANDS.includes(rest[0]))) return roleHelp(rest[0], process.stdout, 0);
  if (SCHEMA_COMMANDS.includes(command) && (rest[0] === '--help' || rest[0] === '-h')) return roleHelp(command, process.stdout, 0);
  const run = command ? roles[command] : undefined;
  if (!run) {
    const known = !command || command === 'help' || command === '--help' || command === '-h';
    (known ? process.stdout : process.stderr).write(`${known ? '' : `opsconductor: unknown command "${command}"\n`}${usage}`);
    process.exit(known ? 0 : 2);
  }
  // A role takes no arguments (its settings come from the environment): a stray one is a typo that
  // would otherwise start a role with settings the operator did not mean.
  if (SCHEMA_ROLES.includes(command) && rest.length > 0) {
    if (rest.length === 1 && (rest[0] === '--help' || rest[0] === '-h')) return roleHelp(command, process.stdout, 0);
    process.stderr.write(`opsconductor ${command}: unknown argument "${rest[0]}" (a role is configured by environment variables)\n`);
    return roleHelp(command, process.stderr, 2);
  }

  try {
    await run();
  } catch (err) {
    const e = err as { code?: string; message?: string };
    process.stderr.write(`opsconductor ${command}: ${e.code ? `[${e.code}] ` : ''}${e.message ?? String(err)}\n`);
    process.exit(1);
  }
}
