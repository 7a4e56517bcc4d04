// One CLI, a subcommand per role. Each role runs in its own process and scales on its own; the
// local orchestration commands (demo, test, bench) start the others as child processes.

const usage = `usage: opsconductor <command> [args]

roles (one process each, configured by environment variables, see README):
  collector     poll the devices assigned to this replica and publish raw readings
  processor     derive metrics and live points from raw readings
  sink          bulk-copy metrics into PostgreSQL / TimescaleDB
  api           GraphQL API, subscriptions and the dashboard
  notifier      deliver anomaly OPEN/CLOSE to webhooks and e-mail by route (NOTIFY_ROUTES_FILE)
  registry      Confluent-compatible schema registry backed by Kafka
  lab           simulated device network (snmpsim agents)
  stack         local Kafka, PostgreSQL and Redis  [--profile dev|test|cluster] [--brokers 1|3]

tools:
  inventory import FILE    publish a YAML inventory to inventory.devices
  inventory sync-netbox | serve-webhook   NetBox as the inventory source
  credentials keygen | list | put NAME | delete NAME   the encrypted credential store
  credentials import-labels FILE.yaml [--dry-run]      move an inventory's clear-text secrets into the store
  replay --from T [--to T] [--target-prefix P]   reprocess raw topics into the outputs (event time T)
  token [--role viewer|operator|analyst|admin] [--sub NAME] [--ttl SECONDS]   mint an API token
  demo                     everything above on this machine, with live charts (npm start)
  test                     the whole test suite against a local stack (npm test)
  bench NAME               a benchmark (npm run bench -- NAME)
`;

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const roles: Record<string, () => Promise<unknown>> = {
    collector: async () => (await import('../collectors/collector-role.js')).runCollectorRole(),
    processor: async () => (await import('../processors/processor-role.js')).runProcessorRole(),
    sink: async () => (await import('../sinks/sink-role.js')).runSinkRole(),
    api: async () => (await import('../api/api-role.js')).runApiRole(),
    notifier: async () => (await import('../sinks/notify/notify-role.js')).runNotifierRole(),
    registry: async () => (await import('../schemas/registry/registry-command.js')).runRegistryCommand(process.env),
    lab: async () => (await import('../infra/lab/lab-command.js')).runLabCommand(process.env),
    stack: async () => (await import('../infra/stack-command.js')).runStackCommand(rest),
    replay: async () => (await import('../processors/replay/replay-command.js')).runReplayCommand(rest),
    inventory: async () => (await import('../collectors/inventory/inventory-command.js')).runInventoryCommand(rest),
    token: async () => (await import('./token-command.js')).runTokenCommand(rest),
    credentials: async () => (await import('../credentials/credentials-command.js')).runCredentialsCommand(rest),
    demo: async () => (await import('./demo.js')).runDemo(),
    test: async () => process.exit(await (await import('../test/run.js')).runTests(rest)),
    bench: async () => (await import('../bench/run.js')).runBench(rest),
  };
  const run = command ? roles[command] : undefined;
  if (!run) {
    process.stdout.write(usage);
    process.exit(command && command !== 'help' && command !== '--help' ? 2 : 0);
  }
  try {
    await run();
  } catch (err) {
    const e = err as { code?: string; message?: string };
    process.stderr.write(`opsconductor ${command}: ${e.code ? `[${e.code}] ` : ''}${e.message ?? String(err)}\n`);
    process.exit(1);
  }
}
