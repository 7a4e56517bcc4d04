// The faults of the resilience suite. Each one breaks something (inject), leaves it broken for a
// while when that means something (a service down), and repairs it; the suite measures around it.
import type { Pipeline } from '../../infra/pipeline.js';
import type { ClusterServices, ServiceName } from './cluster-services.js';
import type { KafkaWatch } from './kafka-watch.js';

export const FAULTS = ['broker', 'broker-leader', 'postgresql', 'redis', 'collector', 'processor', 'sink', 'api', 'network'] as const;
export type FaultName = (typeof FAULTS)[number];

export interface FaultContext {
  pipeline: Pipeline;
  services: ClusterServices;
  watch: KafkaWatch;
  /** The topic whose partition 0 leader is "the partition leader" (telemetry.metrics). */
  leaderTopic: string;
  /** The processors' consumer group: the partition leader killed is its coordinator when it can be. */
  processorGroup: string;
  /** The lab's ICMP path (namespace) behind the first device, when the lab has one. */
  icmpPath: string | undefined;
  say(msg: string): void;
}

export interface Fault {
  /** Stays broken this long before the repair (0: repaired at once, e.g. a crashed role restarts). */
  downMs: number;
  inject(): Promise<string>; // what was done, for the log
  repair(): Promise<void>;
}

async function labIcmp(ctx: FaultContext, loss: number): Promise<void> {
  const res = await fetch(`${ctx.pipeline.labUrl}/scenarios/icmp`, { method: 'POST', body: JSON.stringify({ path: ctx.icmpPath, loss }) });
  if (!res.ok) throw new Error(`lab icmp scenario (loss ${loss}) answered ${res.status}: ${await res.text()}`);
}

export function makeFault(name: FaultName, ctx: FaultContext, serviceDownMs: number): Fault {
  const service = (svc: () => Promise<ServiceName>, signal: NodeJS.Signals | 'clean'): Fault => {
    let launch: Awaited<ReturnType<ClusterServices['down']>>;
    let which: ServiceName;
    return {
      downMs: serviceDownMs,
      async inject() {
        which = await svc();
        launch = await ctx.services.down(which, signal);
        return `${which} ${signal === 'clean' ? 'stopped' : 'killed (SIGKILL)'}`;
      },
      repair: () => ctx.services.up(which, launch),
    };
  };
  const role = (roleName: string): Fault => ({
    downMs: 0,
    async inject() {
      await ctx.pipeline.killRole(roleName);
      return `${roleName} killed (SIGKILL)`;
    },
    repair: async () => void (await ctx.pipeline.restartRole(roleName)),
  });
  switch (name) {
    case 'broker-leader':
      // The harshest partition leader to lose: the one that also coordinates the processors' group
      // and transactions, so the processor's session and its open transaction lose their broker at
      // once (a static member then rejoins under a new id and is fenced by it: the processor must
      // replace its clients). Partition 0's leader when the coordinator leads nothing there.
      return service(async () => {
        const coordinator = await ctx.watch.coordinatorOf(ctx.processorGroup).catch(() => undefined);
        const leaders = await ctx.watch.leadersOf(ctx.leaderTopic);
        const node = coordinator !== undefined && leaders.has(coordinator) ? coordinator : await ctx.watch.leaderOf(ctx.leaderTopic, 0);
        if (node === coordinator) ctx.say(`broker-leader: kafka-${node} leads ${ctx.leaderTopic} partitions and coordinates ${ctx.processorGroup}`);
        return `kafka-${node}` as ServiceName;
      }, 'SIGKILL');
    case 'broker':
      // A node that does not lead partition 0 of the metrics topic (it leads others).
      return service(async () => {
        const leader = await ctx.watch.leaderOf(ctx.leaderTopic, 0);
        return `kafka-${leader === 3 ? 2 : 3}` as ServiceName;
      }, 'SIGKILL');
    case 'postgresql':
      return service(async () => 'postgresql', 'clean');
    case 'redis':
      return service(async () => 'redis', 'clean');
    case 'collector':
      return role('collector-1');
    case 'processor':
    case 'sink':
    case 'api':
      return role(name);
    case 'network':
      return {
        downMs: serviceDownMs,
        async inject() {
          if (!ctx.icmpPath) throw new Error('network fault: the lab has no ICMP path (namespaces need root)');
          await labIcmp(ctx, 1);
          return `every packet to namespace ${ctx.icmpPath} dropped (iptables)`;
        },
        repair: () => labIcmp(ctx, 0),
      };
  }
}
