// Failures never stop a partition: a message that cannot be decoded or processed is parked on
// telemetry.dlq with its origin and the error, both in headers (for tools that read headers only)
// and in an Avro envelope (for consumers that want the record), and counted.
import type { Logger } from '../common/log.js';
import { errorCodeOf, messageOf } from '../common/errors.js';
import { streamMetrics } from './metrics.js';
import type { StreamProducer } from './producer.js';

export interface DeadLetterOrigin {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

export interface DeadLetters {
  send(origin: DeadLetterOrigin, stage: string, error: unknown): Promise<void>;
}

export const deadLetterHeaders = {
  topic: 'dlq.origin.topic',
  partition: 'dlq.origin.partition',
  offset: 'dlq.origin.offset',
  code: 'dlq.error.code',
  message: 'dlq.error.message',
  stage: 'dlq.stage',
} as const;

export function createDeadLetters(producer: StreamProducer, logger: Logger, topic: string): DeadLetters {
  return {
    async send(origin, stage, error) {
      const code = errorCodeOf(error, 'PROCESSING_FAILED');
      const message = messageOf(error).slice(0, 1_000);
      streamMetrics.deadLettered.inc({ topic: origin.topic, stage, code });
      logger.warn('message dead-lettered', { topic: origin.topic, partition: origin.partition, offset: origin.offset, stage, code, reason: message });
      const headers = {
        [deadLetterHeaders.topic]: origin.topic,
        [deadLetterHeaders.partition]: String(origin.partition),
        [deadLetterHeaders.offset]: origin.offset,
        [deadLetterHeaders.code]: code,
        [deadLetterHeaders.message]: message,
        [deadLetterHeaders.stage]: stage,
      };
      const envelope = {
        originTopic: origin.topic,
        originPartition: origin.partition,
        originOffset: Number(origin.offset),
        originKey: origin.key,
        originValue: origin.value ?? Buffer.alloc(0),
        errorCode: code,
        errorMessage: message,
        stage,
        failedAt: Date.now(),
      };
      const key = origin.key ? origin.key.toString('utf8') : null;
      await producer.send(topic, [{ key, value: envelope, headers }]);
    },
  };
}
