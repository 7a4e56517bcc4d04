// Events raised inside one API replica that every replica must see: an acknowledgement or a note
// (for the anomalies subscribers of all replicas) and an API key revocation (to clear every
// replica's key cache). One Redis pub/sub channel; a replica hears its own messages too, so the
// local delivery takes the same single path as the remote one. Without Redis (tests, a single
// replica) messages are delivered locally only. What arrives from Redis is checked first
// (bus-message.ts): anything that can write to Redis can publish on the channel.

import { once } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from '../../common/log.js';
import type { AnomalyRow, Annotation } from '../anomalies/anomalies-query.js';
import { busMessagesRefused } from '../metrics.js';
import { parseBusMessage } from './bus-message.js';

export interface AnomalyUpdatePayload {
  kind: 'EVENT' | 'ACKNOWLEDGED' | 'ANNOTATED';
  anomaly: AnomalyRow;
  annotation: Annotation | null;
}

export type BusMessage = { kind: 'anomaly-update'; update: AnomalyUpdatePayload } | { kind: 'api-key-revoked'; id: string };

export class EventBus {
  private readonly channel: string;
  private lastRefusalLogMs = 0;

  constructor(
    private readonly opts: { publisher: Redis | null; subscriber: Redis | null; keyPrefix: string; logger: Logger; deliver: (msg: BusMessage) => void },
  ) {
    this.channel = `${opts.keyPrefix}events`;
  }

  async start(): Promise<void> {
    const sub = this.opts.subscriber;
    if (!sub) return;
    sub.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      const msg = parseBusMessage(text);
      if ('refused' in msg) {
        busMessagesRefused.inc();
        const now = Date.now();
        // A flood of bad messages must not become a flood of log lines.
        if (now - this.lastRefusalLogMs > 10_000) {
          this.lastRefusalLogMs = now;
          this.opts.logger.warn('a message on the API event channel was refused', { reason: msg.refused, bytes: text.length });
        }
        return;
      }
      try {
        this.opts.deliver(msg);
      } catch (err) {
        // Thrown inside ioredis' reply parser this would end the process.
        this.opts.logger.error('delivering an API event failed', { err, kind: msg.kind });
      }
    });
    // Subscribing before the connection is ready lets ioredis' own connect-time commands (client
    // setinfo) reach a connection already in subscriber mode: Redis refuses them, ioredis drops
    // the connection, and messages are lost until it has reconnected.
    if (sub.status !== 'ready') await once(sub, 'ready');
    await sub.subscribe(this.channel);
  }

  async publish(msg: BusMessage): Promise<void> {
    if (!this.opts.publisher) {
      this.opts.deliver(msg);
      return;
    }
    try {
      await this.opts.publisher.publish(this.channel, JSON.stringify(msg));
    } catch (err) {
      // The change itself is committed: subscribers of other replicas miss this one update.
      this.opts.logger.warn('publishing an API event to Redis failed; delivered on this replica only', { err, kind: msg.kind });
      this.opts.deliver(msg);
    }
  }
}
