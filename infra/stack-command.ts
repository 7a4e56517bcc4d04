// `opsconductor stack [--profile dev|test|cluster] [--brokers 1|3] [--fresh]`: installs what is
// missing, starts Kafka, PostgreSQL and Redis for the profile, prints the endpoints as KEY=value
// lines on stdout (so `eval`, `env -S` or a .env file can take them), runs until SIGINT/SIGTERM,
// then stops everything it started and exits 0.

import { createLogger } from '../common/log.js';
import { projectRoot } from '../common/project-root.js';
import { InfraError } from './errors.js';
import { ensureInstalled } from './install.js';
import { startStack, type StackProfile } from './stack.js';

export interface StackCommandArgs {
  profile: StackProfile;
  brokers?: 1 | 3;
  fresh: boolean;
}

export function parseStackArgs(argv: string[]): StackCommandArgs {
  const args: StackCommandArgs = { profile: 'dev', fresh: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--profile') {
      const v = value();
      if (v !== 'dev' && v !== 'test' && v !== 'cluster') throw new InfraError('BAD_ARGUMENT', `stack: --profile must be dev, test or cluster, not "${v}"`);
      args.profile = v;
    } else if (flag === '--brokers') {
      const v = value();
      if (v !== '1' && v !== '3') throw new InfraError('BAD_ARGUMENT', `stack: --brokers must be 1 or 3, not "${v}"`);
      args.brokers = Number(v) as 1 | 3;
    } else if (flag === '--fresh') {
      args.fresh = true;
    } else {
      throw new InfraError('BAD_ARGUMENT', `stack: unknown argument "${argv[i]}" (--profile dev|test|cluster, --brokers 1|3, --fresh)`);
    }
  }
  return args;
}

export async function runStackCommand(argv: string[]): Promise<void> {
  const args = parseStackArgs(argv);
  const logger = createLogger({ role: 'stack' });
  // Listening before the (long) start: a Ctrl-C during it stops what already runs, then exits.
  let signalled: NodeJS.Signals | undefined;
  let wake: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled && !wake) process.exit(130); // asked twice while starting: leave now, the exit hook stops the children
    signalled = signal;
    wake?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  await ensureInstalled({ root: projectRoot, logger });
  const stack = await startStack({ root: projectRoot, profile: args.profile, brokers: args.brokers, fresh: args.fresh, logger });
  const { kafkaBrokers, databaseUrl, redisUrl } = stack.endpoints;
  process.stdout.write(`KAFKA_BROKERS=${kafkaBrokers.join(',')}\nDATABASE_URL=${databaseUrl}\nREDIS_URL=${redisUrl}\n`);
  if (stack.reused) logger.info('stack: profile was already running in another process; leaving it running on exit', { profile: args.profile });

  // Signal listeners do not keep Node alive; a reused stack has no children that would.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  if (!signalled) await new Promise<void>((resolve) => (wake = resolve));
  clearInterval(keepAlive);
  logger.info('stack: stopping', { signal: signalled });
  await stack.stop();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.exit(0);
}
