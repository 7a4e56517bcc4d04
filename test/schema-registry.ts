// Shared by the registry's tests: a replica on a throw-away log topic, and a tiny HTTP client.

import { randomUUID } from 'node:crypto';
import { createLogger, type LogLevel } from '../common/log.js';
import { deleteSchemaLogTopic } from '../schemas/registry/schema-log.js';
import { startRegistry, type RunningRegistry } from '../schemas/registry/server.js';

export const kafkaBrokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:39092').split(',').map((b) => b.trim());

export const randomSchemaTopic = (): string => `_schemas-${randomUUID().slice(0, 8)}`;

export function startTestRegistry(topic: string): Promise<RunningRegistry> {
  const level = (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'warn';
  return startRegistry({ host: '127.0.0.1', port: 0, kafkaBrokers, topic, logger: createLogger({ test: topic }, level) });
}

export async function dropSchemaTopic(topic: string): Promise<void> {
  await deleteSchemaLogTopic(kafkaBrokers, topic).catch(() => undefined);
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: any;
}

/** One request; the body is sent as JSON with the Confluent content type unless told otherwise. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/vnd.schemaregistry.v1+json',
): Promise<HttpAnswer> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // raw text answers (GET .../schema of a non-JSON) stay text
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed };
}

export const schemaBody = (schema: object) => ({ schema: JSON.stringify(schema) });
