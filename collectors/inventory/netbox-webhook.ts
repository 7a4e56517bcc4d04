// The endpoint a NetBox event rule posts to (Webhook, HTTP POST, body = NetBox's default
// `{ event, timestamp, model, username, request_id, data, snapshots }`), so a change reaches
// inventory.devices in seconds instead of at the next full sync. `created`/`updated` publish the
// mapped device (and a tombstone for its old id when a rename changed it); `deleted` publishes a
// tombstone. Whoever can post here can add, change and delete polled devices, so:
//   - X-Hook-Signature (hex HMAC-SHA512 of the body with the webhook's secret, NetBox's scheme) is
//     required; the receiver refuses to start without a secret unless `insecure` (a lab only)
//   - the body's `timestamp` must be within maxAgeMs of now, and an event is accepted once
//     (webhook-replay-guard.ts): a captured signed event cannot be sent again
//   - bodies are capped (maxBodyBytes, by Content-Length before reading, else while reading)
// Answers: 202 applied or skipped (with the reason), 400 bad body, 401 bad signature or stale
// timestamp, 404 other paths, 409 replay, 413 body too large, 503 when publishing failed (the event
// is not remembered then: a retry is accepted; NetBox retries nothing, the next full sync repairs).

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpsError } from '../../common/errors.js';
import type { Logger } from '../../common/log.js';
import type { Streams } from '../../streams/index.js';
import { mapNetboxDevice, netboxDeviceId, type NetboxMappingOptions } from './netbox-mapping.js';
import { mappingOptions, netboxMetrics, NETBOX_SOURCE_LABEL, publishDevices, tagSource } from './netbox-sync.js';
import { parseNetboxTimestamp, ReplayGuard } from './webhook-replay-guard.js';

export interface NetboxWebhookOptions {
  host: string;
  port: number; // 0 picks a free one
  path?: string;
  secret?: string;
  /** Accept unsigned events when no secret is set (NETBOX_WEBHOOK_INSECURE=true): a lab only. */
  insecure?: boolean;
  /** How far an event's timestamp may be from now (NETBOX_WEBHOOK_MAX_AGE_S). */
  maxAgeMs?: number;
  mapping?: Partial<NetboxMappingOptions>;
  streams: Pick<Streams, 'producer' | 'topics'>;
  logger: Logger;
  maxBodyBytes?: number;
}

export interface NetboxWebhook {
  url: string; // full URL of the hook
  close(): Promise<void>;
}

export const NETBOX_WEBHOOK_DEFAULTS = {
  path: '/webhooks/netbox',
  maxBodyBytes: 1_048_576, // a device event with both snapshots is a few KB
  maxAgeMs: 300_000, // 5 min either side of the receiver's clock
  requestTimeoutMs: 30_000, // a client trickling its body holds a connection no longer
};

type Json = Record<string, unknown>;

function reply(res: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * 413, then the connection closed once the answer is out: the rest of the body is never read.
 * Destroying the request before answering (as this did) reset the connection, and the sender
 * never saw why.
 */
function tooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const text = JSON.stringify({ error: 'NETBOX_WEBHOOK_TOO_LARGE', maxBodyBytes: limit });
  res.writeHead(413, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), connection: 'close' });
  res.end(text, () => req.socket.destroySoon());
}

/** The body, or null once it passed `limit` bytes (what came is dropped, reading stops). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= limit) return void chunks.push(c);
      req.off('data', onData);
      req.pause();
      chunks.length = 0;
      resolve(null);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function signatureValid(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = createHmac('sha512', secret).update(body).digest();
  const got = Buffer.from(header.trim(), 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** The receiver does not start unsigned unless told it is a lab (CONFIG_INVALID otherwise). */
export function assertWebhookSecured(opts: Pick<NetboxWebhookOptions, 'secret' | 'insecure'>): void {
  if (opts.secret || opts.insecure) return;
  throw new OpsError('CONFIG_INVALID', 'the NetBox webhook receiver needs NETBOX_WEBHOOK_SECRET, the secret of the NetBox webhook (it signs X-Hook-Signature): without it anyone who reaches the port can add, change and delete polled devices. NETBOX_WEBHOOK_INSECURE=true accepts unsigned events, for a lab only');
}

export async function startNetboxWebhook(opts: NetboxWebhookOptions): Promise<NetboxWebhook> {
  const logger = opts.logger.child({ component: 'netbox-webhook' });
  assertWebhookSecured(opts);
  if (!opts.secret) logger.warn('NetBox webhook accepts UNSIGNED events (NETBOX_WEBHOOK_INSECURE=true): anyone who reaches it can change the inventory; a lab only');
  const hookPath = opts.path ?? NETBOX_WEBHOOK_DEFAULTS.path;
  const maxBodyBytes = opts.maxBodyBytes ?? NETBOX_WEBHOOK_DEFAULTS.maxBodyBytes;
  const maxAgeMs = opts.maxAgeMs ?? NETBOX_WEBHOOK_DEFAULTS.maxAgeMs;
  const guard = new ReplayGuard({ maxAgeMs });
  const mapping = mappingOptions(opts.mapping);
  const error = (code: string) => netboxMetrics.errors.inc({ source: NETBOX_SOURCE_LABEL, code });
  const refuse = (res: ServerResponse, status: number, code: string, message: string, fields: Record<string, unknown> = {}) => {
    error(code);
    logger.warn(`NetBox webhook refused: ${message}`, { code, ...fields });
    reply(res, status, { error: code, reason: message });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== hookPath) return reply(res, 404, { error: `POST ${hookPath} only` });
    const remote = req.socket.remoteAddress;
    const declared = Number(req.headers['content-length'] ?? 0);
    const body = declared > maxBodyBytes ? null : await readBody(req, maxBodyBytes);
    if (body === null) {
      error('NETBOX_WEBHOOK_TOO_LARGE');
      logger.warn('NetBox webhook refused: body larger than NETBOX_WEBHOOK_MAX_BODY_BYTES', { code: 'NETBOX_WEBHOOK_TOO_LARGE', maxBodyBytes, declared: declared || undefined, remote });
      return tooLarge(req, res, maxBodyBytes);
    }
    if (opts.secret && !signatureValid(opts.secret, body, req.headers['x-hook-signature'] as string | undefined)) {
      return refuse(res, 401, 'NETBOX_WEBHOOK_SIGNATURE', 'missing or wrong X-Hook-Signature', { remote });
    }
    let event: Json;
    try {
      event = JSON.parse(body.toString('utf8')) as Json;
      if (!event || typeof event !== 'object') throw new Error('not an object');
    } catch {
      error('NETBOX_WEBHOOK_BAD_BODY');
      logger.warn('NetBox webhook body is not JSON', { bytes: body.length });
      return reply(res, 400, { error: 'body is not a JSON object' });
    }
    // The timestamp is inside the signed body: a captured event can be replayed, not re-dated.
    const ts = parseNetboxTimestamp(event.timestamp);
    const digest = ReplayGuard.digestOf(body);
    const now = Date.now();
    switch (guard.admit(digest, ts, now)) {
      case 'no-timestamp':
        return refuse(res, 400, 'NETBOX_WEBHOOK_BAD_BODY', 'event without a readable timestamp', { remote });
      case 'stale':
        return refuse(res, 401, 'NETBOX_WEBHOOK_STALE', `event timestamp ${String(event.timestamp).slice(0, 40)} is more than ${maxAgeMs / 1000} s from now (NETBOX_WEBHOOK_MAX_AGE_S; or the clocks differ)`, { remote, skewMs: now - ts });
      case 'replay':
        return refuse(res, 409, 'NETBOX_WEBHOOK_REPLAY', 'this event was received before', { remote, requestId: event.request_id });
    }
    try {
      return await apply(event, ts, res);
    } catch (err) {
      guard.forget(digest); // not applied: the same event sent again is not a replay
      throw err;
    }
  }

  async function apply(event: Json, ts: number, res: ServerResponse): Promise<void> {
    const model = String(event.model ?? '');
    const kind = String(event.event ?? '');
    const data = event.data as Json | undefined;
    if (model !== 'device') return reply(res, 202, { skipped: `model ${model || '(none)'} is not device` });
    if (!data || typeof data !== 'object') {
      error('NETBOX_WEBHOOK_BAD_BODY');
      return reply(res, 400, { error: 'device event without data' });
    }
    const deviceId = netboxDeviceId(data);
    if (kind === 'deleted') {
      await publishDevices(opts.streams as Streams, [], [deviceId]);
      logger.info('NetBox device deleted', { deviceId, requestId: event.request_id });
      return reply(res, 202, { tombstoned: deviceId });
    }
    if (kind !== 'created' && kind !== 'updated') return reply(res, 202, { skipped: `event ${kind || '(none)'}` });
    const mapped = mapNetboxDevice(data, mapping, ts);
    if (!mapped.ok) {
      error(mapped.code);
      logger.warn('NetBox device skipped', { deviceId: mapped.deviceId, code: mapped.code, reason: mapped.message });
      return reply(res, 202, { skipped: mapped.deviceId, code: mapped.code });
    }
    const pre = (event.snapshots as Json | undefined)?.prechange as Json | null | undefined;
    const oldId = pre && typeof pre === 'object' && pre.name ? netboxDeviceId(pre) : null;
    const renamed = oldId && oldId !== mapped.device.deviceId ? [oldId] : [];
    await publishDevices(opts.streams as Streams, [tagSource(mapped.device)], renamed);
    logger.info('NetBox device applied', { deviceId: mapped.device.deviceId, event: kind, renamedFrom: renamed[0] });
    return reply(res, 202, { published: mapped.device.deviceId, tombstoned: renamed });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      const code = (err as { code?: string }).code ?? 'NETBOX_WEBHOOK_FAILED';
      error(code);
      logger.error('NetBox webhook could not be applied', { code, err });
      if (!res.headersSent) reply(res, 503, { error: code });
    });
  });
  server.requestTimeout = NETBOX_WEBHOOK_DEFAULTS.requestTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}${hookPath}`;
  logger.info('NetBox webhook listening', { url });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
