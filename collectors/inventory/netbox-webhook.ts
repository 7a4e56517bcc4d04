// The endpoint a NetBox event rule posts to (Webhook, HTTP POST, body = NetBox's default
// `{ event, timestamp, model, username, request_id, data, snapshots }`), so a change reaches
// inventory.devices in seconds instead of at the next full sync. `created`/`updated` publish the
// mapped device (and a tombstone for its old id when a rename changed it); `deleted` publishes a
// tombstone. With a secret configured, X-Hook-Signature (hex HMAC-SHA512 of the body, NetBox's
// scheme) is required. Answers: 202 applied or skipped (with the reason), 400 bad body, 401 bad
// signature, 404 other paths, 503 when publishing failed (NetBox retries nothing, the next full
// sync repairs).

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../common/log.js';
import type { Streams } from '../../streams/index.js';
import { mapNetboxDevice, netboxDeviceId, type NetboxMappingOptions } from './netbox-mapping.js';
import { mappingOptions, netboxMetrics, NETBOX_SOURCE_LABEL, publishDevices, tagSource } from './netbox-sync.js';

export interface NetboxWebhookOptions {
  host: string;
  port: number; // 0 picks a free one
  path?: string;
  secret?: string;
  mapping?: Partial<NetboxMappingOptions>;
  streams: Pick<Streams, 'producer' | 'topics'>;
  logger: Logger;
  maxBodyBytes?: number;
}

export interface NetboxWebhook {
  url: string; // full URL of the hook
  close(): Promise<void>;
}

export const NETBOX_WEBHOOK_DEFAULTS = { path: '/webhooks/netbox', maxBodyBytes: 1_048_576 };

type Json = Record<string, unknown>;

function reply(res: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(Object.assign(new Error(`body larger than ${limit} bytes`), { code: 'NETBOX_WEBHOOK_TOO_LARGE' }));
        req.destroy();
      } else chunks.push(c);
    });
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

export async function startNetboxWebhook(opts: NetboxWebhookOptions): Promise<NetboxWebhook> {
  const logger = opts.logger.child({ component: 'netbox-webhook' });
  const hookPath = opts.path ?? NETBOX_WEBHOOK_DEFAULTS.path;
  const mapping = mappingOptions(opts.mapping);
  const error = (code: string) => netboxMetrics.errors.inc({ source: NETBOX_SOURCE_LABEL, code });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== hookPath) return reply(res, 404, { error: `POST ${hookPath} only` });
    const body = await readBody(req, opts.maxBodyBytes ?? NETBOX_WEBHOOK_DEFAULTS.maxBodyBytes);
    if (opts.secret && !signatureValid(opts.secret, body, req.headers['x-hook-signature'] as string | undefined)) {
      error('NETBOX_WEBHOOK_SIGNATURE');
      logger.warn('NetBox webhook with a missing or wrong X-Hook-Signature refused', { remote: req.socket.remoteAddress });
      return reply(res, 401, { error: 'bad X-Hook-Signature' });
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
    const mapped = mapNetboxDevice(data, mapping, Date.parse(String(event.timestamp ?? '')) || Date.now());
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
      if (!res.headersSent) reply(res, code === 'NETBOX_WEBHOOK_TOO_LARGE' ? 413 : 503, { error: code });
    });
  });
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
