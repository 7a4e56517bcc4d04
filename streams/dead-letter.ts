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

export interface DeadLetterMessage {
  topic: string;
  key: string | null;
  value: unknown;
  headers: Record<string, string>;
}

export interface DeadLetters {
  /** Builds, sends and counts a dead letter. */
  send(origin: DeadLetterOrigin, stage: string, error: unknown): Promise<void>;
  /** Builds the dead letter only: for callers that send it inside their own transaction. */
  message(origin: DeadLetterOrigin, stage: string, error: unknown): DeadLetterMessage;
  /** Counts and logs a dead letter that the caller sent itself. */
  count(origin: DeadLetterOrigin, stage: string, error: unknown): void;
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
  const message = (origin: DeadLetterOrigin, stage: string, error: unknown): DeadLetterMessage => {
    const code = errorCodeOf(error, 'PROCESSING_FAILED');
    const text = messageOf(error).slice(0, 1_000);
    return {
      topic,
      key: origin.key ? origin.key.toString('utf8') : null,
      headers: {
        [deadLetterHeaders.topic]: origin.topic,
        [deadLetterHeaders.partition]: String(origin.partition),
        [deadLetterHeaders.offset]: origin.offset,
        [deadLetterHeaders.code]: code,
        [deadLetterHeaders.message]: text,
        [deadLetterHeaders.stage]: stage,
      },
      value: {
        originTopic: origin.topic,
        originPartition: origin.partition,
        originOffset: Number(origin.offset),
        originKey: origin.key,
        originValue: origin.value ?? Buffer.alloc(0),
        errorCode: code,
        errorMessage: text,
        stage,
        failedAt: Date.now(),
      },
    };
  };
  const count = (origin: DeadLetterOrigin, stage: string, error: unknown) => {
    const code = errorCodeOf(error, 'PROCESSING_FAILED');
    streamMetrics.deadLettered.inc({ topic: origin.topic, stage, code });
    logger.warn('message dead-lettered', { topic: origin.topic, partition: origin.partition, offset: origin.offset, stage, code, reason: messageOf(error).slice(0, 300) });
  };
  return {
    message,
    count,
    async send(origin, stage, error) {
      const m = message(origin, stage, error);
      await producer.send(m.topic, [{ key: m.key, value: m.value, headers: m.headers }]);
      count(origin, stage, error);
    },
  };
}
