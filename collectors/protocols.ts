// The protocols a collector speaks, each as one uniform plan: which inventory devices it applies
// to, how often, how to reach a device, how to poll it, and which raw topic its readings go to.
// The collector role runs one scheduler per plan; adding a protocol is adding a plan here.
import { readFileSync } from 'node:fs';
import type { Logger } from '../common/log.js';
import type { ConfigOf } from '../common/config.js';
import type { Device } from '../schemas/types.js';
import type { TopicNames } from '../streams/index.js';
import type { CredentialLookup } from '../credentials/credential-store.js';
import { createSnmpPoller } from './snmp/poller.js';
import { createSnmpTargetResolver } from './snmp-target.js';
import { createProfileChooser } from './snmp/profile-choice.js';
import { PROFILES } from './snmp/profiles.js';
import { createIcmpPoller } from './icmp/poller.js';
import { icmpTargetOf } from './icmp/target.js';
import { createSshPoller } from './ssh/poller.js';
import { createSshTargetResolver } from './ssh/target.js';
import { createCienaPoller } from './ciena/poller.js';
import { cienaTargetOf } from './ciena/target.js';
import { mcpClientOptionsOf } from './ciena/settings.js';
import type { collectorSettings } from './settings.js';

export interface Reading {
  value: unknown;
  /** Event time of the reading, ms: the Kafka record timestamp. */
  at: number;
}

export interface ProtocolPlan {
  protocol: 'snmp' | 'icmp' | 'ssh' | 'ciena';
  topic: keyof TopicNames;
  intervalMs: number;
  applies(device: Device): boolean;
  /** Polls one device; never throws for a device-level failure (readings carry the error). */
  poll(device: Device): Promise<Reading[]>;
  close(): void;
}

type Config = ConfigOf<typeof collectorSettings>;

export function buildProtocolPlans(config: Config, deps: { logger: Logger; credentials: CredentialLookup }): ProtocolPlan[] {
  const { logger } = deps;
  const collectorId = config.collectorId;
  const plans: ProtocolPlan[] = [];

  const snmp = createSnmpPoller({ timeoutMs: config.snmpTimeoutMs, retries: config.snmpRetries, maxRepetitions: config.snmpMaxRepetitions, collectorId, logger });
  const resolveSnmp = createSnmpTargetResolver({ credentials: deps.credentials, logger });
  const profilesOf = createProfileChooser(snmp, PROFILES, logger);
  plans.push({
    protocol: 'snmp',
    topic: 'rawSnmp',
    intervalMs: config.intervalMs,
    applies: (d) => d.snmp !== null,
    async poll(device) {
      const target = resolveSnmp(device); // counts and logs its own errors
      if (!target) return [];
      const out: Reading[] = [];
      for (const profile of await profilesOf(device, target)) {
        try {
          const r = await snmp.poll(target, profile);
          out.push({ value: r, at: r.polledAt });
        } catch (err) {
          // An unknown profile is a configuration error of this device: its other profiles go on.
          logger.warn('snmp profile skipped', { deviceId: device.deviceId, profile, err });
        }
      }
      return out;
    },
    close: () => snmp.close(),
  });

  if (config.icmpEnabled) {
    const icmp = createIcmpPoller({ collectorId, logger, count: config.icmpCount, timeoutMs: config.icmpTimeoutMs });
    plans.push({
      protocol: 'icmp',
      topic: 'rawIcmp',
      intervalMs: config.icmpIntervalMs,
      applies: (d) => icmpTargetOf(d).ok,
      async poll(device) {
        const t = icmpTargetOf(device);
        if (!t.ok) return [];
        const r = await icmp.poll(t.target);
        return [{ value: r, at: r.sentAt }];
      },
      close: () => icmp.close(),
    });
  }

  const ssh = createSshPoller({ collectorId, logger, knownHostsFile: config.sshKnownHostsFile, maxOutputBytes: config.sshMaxOutputBytes });
  const resolveSsh = createSshTargetResolver({ credentials: deps.credentials, logger });
  plans.push({
    protocol: 'ssh',
    topic: 'rawSsh',
    intervalMs: config.sshIntervalMs,
    applies: (d) => Boolean(d.labels?.['ssh.credential']),
    async poll(device) {
      const target = resolveSsh(device); // counts and logs its own errors
      if (!target) return [];
      return (await ssh.poll(target)).map((c) => ({ value: c, at: c.capturedAt }));
    },
    close: () => ssh.close(),
  });

  const mcp = mcpClientOptionsOf(config);
  if (mcp) {
    const ciena = createCienaPoller({
      mcp,
      pm: config.mcpPmAdapterFile ? JSON.parse(readFileSync(config.mcpPmAdapterFile, 'utf8')) : undefined,
      collectorId,
      logger,
    });
    plans.push({
      protocol: 'ciena',
      topic: 'rawCiena',
      intervalMs: config.mcpIntervalMs,
      applies: (d) => d.vendor.toLowerCase() === 'ciena' || Object.keys(d.labels ?? {}).some((k) => k.startsWith('mcp.')),
      async poll(device) {
        const out: Reading[] = [];
        for (const kind of ['PM', 'ALARM'] as const) {
          const r = await ciena.poll(cienaTargetOf(device), kind);
          out.push({ value: r, at: r.readAt });
        }
        return out;
      },
      close: () => ciena.close(),
    });
  }
  return plans;
}
