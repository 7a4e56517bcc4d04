// The composition root's runtime: a role builds its components in dependency order, starts them
// in that order and stops them in reverse on SIGINT/SIGTERM, draining in-flight work first.
// It also serves the operations endpoints. No framework: a component is anything with start/stop.
import { createLogger, type Logger } from './log.js';
import { collectProcessMetrics, startOpsServer, type OpsServer } from './ops-server.js';

export interface Component {
  name: string;
  start(): Promise<void>;
  /** Finish in-flight work (commit what is done), then release resources. */
  stop(): Promise<void>;
  /** Whether this component can do its job now; all must agree for /readyz. */
  ready?(): Promise<boolean> | boolean;
}

export interface RoleOptions {
  role: string;
  opsHost: string;
  opsPort: number;
  logger?: Logger;
  /** Time allowed for a graceful stop before the process exits anyway. */
  stopTimeoutMs?: number;
}

export interface RunningRole {
  logger: Logger;
  ops: OpsServer;
  stop(): Promise<void>;
  done: Promise<void>;
}

export async function runRole(opts: RoleOptions, components: Component[]): Promise<RunningRole> {
  const logger = opts.logger ?? createLogger({ role: opts.role });
  collectProcessMetrics(opts.role);
  const started: Component[] = [];
  let stopping: Promise<void> | undefined;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));

  const stop = () => {
    stopping ??= (async () => {
      logger.info('stopping', { components: started.map((c) => c.name).reverse() });
      for (const c of [...started].reverse()) {
        try {
          await c.stop();
        } catch (err) {
          logger.error('component failed to stop cleanly', { component: c.name, err });
        }
      }
      await ops?.close();
      logger.info('stopped');
      resolveDone();
    })();
    return stopping;
  };

  let ops: OpsServer | undefined;
  let allStarted = false;
  try {
    // Bound first: a taken OPS_PORT stops the role before it joins a consumer group or polls a
    // device, and /healthz answers (and /readyz says "not ready") while the components start.
    ops = await startOpsServer({
      host: opts.opsHost,
      port: opts.opsPort,
      ready: async () => {
        if (!allStarted) return false;
        for (const c of started) if (c.ready && !(await c.ready())) return false;
        return true;
      },
    });
    for (const c of components) {
      const t0 = Date.now();
      await c.start();
      started.push(c);
      logger.info('component started', { component: c.name, ms: Date.now() - t0 });
    }
    allStarted = true;
  } catch (err) {
    logger.error('role failed to start', { err });
    await stop();
    throw err;
  }
  logger.info('role started', { opsPort: ops.port });

  const onSignal = (sig: string) => {
    logger.info('signal received', { signal: sig });
    const timer = setTimeout(() => {
      logger.error('graceful stop timed out; exiting', { timeoutMs: opts.stopTimeoutMs ?? 20_000 });
      process.exit(1);
    }, opts.stopTimeoutMs ?? 20_000);
    timer.unref();
    void stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { logger, ops, stop, done };
}
