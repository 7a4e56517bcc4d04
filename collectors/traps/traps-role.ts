// Composition root of the `traps` role: the whole inventory (every receiver must know every
// device: a trap may come from any of them) → the UDP listener → match, de-duplicate, publish
// to telemetry.raw.trap keyed by the device → only then acknowledge an inform. A notification
// that matches no device (or several) goes to telemetry.dlq with the reason, and is counted.
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/log.js';
import { runRole, type Component } from '../../common/role.js';
import { messageOf, OpsError, type ErrorCode } from '../../common/errors.js';
import { connectStreams, type Streams } from '../../streams/index.js';
import { followCompacted, type Follower } from '../../streams/follow-compacted.js';
import { INVENTORY_CATCH_UP } from '../../streams/inventory-topic.js';
import type { Device, RawTrap } from '../../schemas/types.js';
import { openCredentialStoreFromEnv } from '../../credentials/open-store.js';
import type { CredentialLookup } from '../../credentials/credential-store.js';
import type { UsmUser } from 'net-snmp';
import { usmUserOf } from '../snmp/session-pool.js';
import { trapSettings } from './settings.js';
import { TrapSources, type SourceMatch } from './source-match.js';
import { RecentNotifications } from './dedup.js';
import { dedupKey, NotificationError, parseNotification, sourceText, type ParsedTrap } from './notification.js';
import { listenForTraps, type Received, type TrapListener } from './listener.js';
import { trapMetrics } from './metrics.js';

/** Communities and USM users of the named credentials (unknown or non-SNMP names are skipped). */
export function trapAuthOf(names: Iterable<string>, credentials: CredentialLookup): { communities: Set<string>; users: UsmUser[] } {
  const communities = new Set<string>();
  const users = new Map<string, UsmUser>();
  for (const name of names) {
    let c;
    try {
      c = credentials.get(name);
    } catch {
      continue; // unreadable: the collectors report it per device
    }
    if (c?.kind === 'snmp-community') communities.add(c.community);
    else if (c?.kind === 'snmp-v3') users.set(c.user, usmUserOf(c));
  }
  return { communities, users: [...users.values()] };
}

const AUTH_REFRESH_MS = 2_000;

export async function runTrapsRole(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(trapSettings, env);
  // RFC 3411 snmpEngineID: 5 to 32 octets. net-snmp would take any other text as some bytes.
  if (config.engineId && !/^(0x)?([0-9a-fA-F]{2}){5,32}$/.test(config.engineId)) {
    throw new OpsError('CONFIG_INVALID', `TRAP_ENGINE_ID must be 5 to 32 bytes in hex, e.g. 8000b98380…, got "${config.engineId}"`);
  }
  const logger = createLogger({ role: 'traps', receiverId: config.receiverId });
  const credentials = openCredentialStoreFromEnv(env).store;
  const metrics = trapMetrics();
  const sources = new TrapSources(credentials);
  const recent = new RecentNotifications(config.dedupWindowMs);
  const inflight = new Map<string, Promise<boolean>>(); // dedup key → published?
  let streams!: Streams;
  let inventory!: Follower;
  let listener!: TrapListener;
  let authShown = '';
  let authTimer: NodeJS.Timeout | undefined;

  const refreshAuth = () => {
    const { communities, users } = trapAuthOf([...sources.credentialNames(), ...config.extraCredentials], credentials);
    listener?.setCommunities(communities);
    listener?.setUsers(users);
    const shown = `${communities.size}/${users.length}`;
    if (shown !== authShown) logger.info('trap receiver accepts', { communities: communities.size, v3Users: users.length, devices: sources.size });
    authShown = shown;
    metrics.sources.set(sources.size);
  };

  const deadLetter = async (source: string, value: Buffer, err: { code: ErrorCode; message: string }) => {
    await streams.deadLetters.send({ topic: streams.topics.rawTrap, partition: -1, offset: '-1', key: Buffer.from(source), value }, 'traps.receive', new OpsError(err.code, err.message));
    metrics.deadLettered.inc({ code: err.code });
  };

  const publish = async (parsed: ParsedTrap, match: SourceMatch, key: string): Promise<boolean> => {
    const record: RawTrap = { ...parsed, deviceId: match.ok ? match.device.deviceId : '', receiverId: config.receiverId, dedupKey: key };
    try {
      if (match.ok) {
        await streams.producer.send(streams.topics.rawTrap, [{ key: record.deviceId, value: record, timestamp: record.receivedAt }]);
        metrics.published.inc();
      } else {
        await deadLetter(parsed.source, streams.serde.encode(streams.topics.rawTrap, record), match);
      }
      return true;
    } catch (err) {
      metrics.publishFailures.inc();
      logger.error('notification could not be published; an inform stays unacknowledged so its sender re-sends it', { source: parsed.source, trapOid: parsed.trapOid, err });
      return false;
    }
  };

  const handle = async (n: Received) => {
    const receivedAt = Date.now();
    let parsed: ParsedTrap;
    try {
      parsed = parseNotification(n.pdu, n.from, n.version, receivedAt);
    } catch (err) {
      const e = err instanceof NotificationError ? err : new NotificationError('TRAP_MALFORMED', messageOf(err));
      metrics.received.inc({ version: n.version, pdu: 'UNKNOWN' });
      try {
        await deadLetter(sourceText(n.from), Buffer.from(JSON.stringify({ source: sourceText(n.from), oids: n.pdu.varbinds?.map((v) => v.oid) ?? [] })), e);
        n.ack?.();
      } catch (sendErr) {
        logger.error('malformed notification could not be dead-lettered', { source: sourceText(n.from), err: sendErr });
      }
      return;
    }
    metrics.received.inc({ version: parsed.version, pdu: parsed.pduType });
    const key = dedupKey(n.from.address, parsed);
    const pending = inflight.get(key);
    if (pending || recent.has(key, receivedAt)) {
      metrics.duplicates.inc();
      // A copy of an inform is acknowledged once the first one is on Kafka (its ack was lost).
      if (n.ack) void (pending ?? Promise.resolve(true)).then((ok) => ok && n.ack!());
      return;
    }
    const match = sources.match({ address: n.from.address, community: parsed.version === 'V3' ? null : (n.pdu.community ?? null), context: parsed.version === 'V3' ? (parsed.context ?? '') : null });
    const done = publish(parsed, match, key);
    inflight.set(key, done);
    const ok = await done;
    inflight.delete(key);
    if (!ok) return;
    recent.add(key, receivedAt);
    n.ack?.();
  };

  const components: Component[] = [
    {
      name: 'streams',
      start: async () => {
        streams = await connectStreams({ config, clientId: `traps-${config.receiverId}`, logger, writes: ['rawTrap'] });
      },
      stop: () => streams.close(),
    },
    {
      name: 'inventory',
      start: async () => {
        // Ready once the inventory as it was at start is read: a trap before that would be
        // dead-lettered as from an unknown source. Every receiver reads every partition.
        inventory = await followCompacted<Device>(streams, streams.topics.inventory, {
          group: `traps-${config.receiverId}`,
          catchUp: INVENTORY_CATCH_UP,
          onRecord: (key, device) => (device === null ? sources.remove(key) : sources.upsert(device)),
          onBatch: refreshAuth,
        });
        // Not awaited: the receiver stays unready until then, and becomes ready when it gets there.
        inventory.caughtUp.catch((err: unknown) => logger.warn('inventory not read up to its end in time; not ready until it is', { err }));
      },
      stop: () => inventory.stop(),
      ready: () => inventory.isReady(),
    },
    {
      name: 'listener',
      start: async () => {
        listener = await listenForTraps({
          host: config.host,
          port: config.port,
          recvBufferBytes: config.recvBufferBytes,
          ...(config.engineId ? { engineId: config.engineId } : {}),
          onNotification: (n) => void handle(n),
          onRejected: (err) => {
            metrics.rejected.inc();
            logger.debug('datagram refused', { source: err.rinfo ? sourceText(err.rinfo) : 'unknown', reason: err.message });
          },
        });
        refreshAuth();
        // A credential put or changed in the store without an inventory change (a new USM key)
        // is taken up within this period too.
        authTimer = setInterval(refreshAuth, AUTH_REFRESH_MS);
        authTimer.unref();
        logger.info('listening for traps and informs', { host: config.host, port: listener.port, recvBufferBytes: listener.recvBufferBytes });
      },
      // Stop listening first: in-flight publications finish while the streams are still open.
      stop: async () => {
        clearInterval(authTimer);
        await listener.close();
        await Promise.all(inflight.values());
      },
    },
  ];
  return runRole({ role: 'traps', opsHost: config.opsHost, opsPort: config.opsPort, logger }, components);
}
