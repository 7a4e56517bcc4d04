// The Confluent Schema Registry REST API (the part @kafkajs/confluent-schema-registry, Kafka
// Connect, kcat and the Confluent CLI use), as a Fastify app over a RegistryService.

import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from '../../common/log.js';
import { RegistryError } from './errors.js';
import { parseVersion, type RegistryService } from './registry-service.js';

const contentType = 'application/vnd.schemaregistry.v1+json';

type Params = { subject: string; version: string; id: string };
type Query = { deleted?: string; permanent?: string; defaultToGlobal?: string; verbose?: string };
type Body = Record<string, unknown> | undefined;

function parseId(raw: string): number {
  const id = /^[0-9]{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(id) || id < 1) throw new RegistryError('SCHEMA_NOT_FOUND', `Schema ${raw} not found`);
  return id;
}

const flag = (v: string | undefined): boolean => v === 'true';

export function buildRegistryApp(service: RegistryService, logger: Logger): FastifyInstance {
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 1_000 }, bodyLimit: 4 * 1024 * 1024 });

  // Clients send application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json,
  // application/json, or (curl -d) form or octet-stream types: the body is JSON in every case,
  // and an empty body (a DELETE sent with a JSON content type) is no body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(Object.assign(new Error(`Unexpected request body, not JSON: ${(err as Error).message}`), { statusCode: 400 }), undefined);
    }
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (type === '' || type.startsWith('application/json') || type.startsWith('text/plain')) reply.header('content-type', contentType);
    return payload;
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply: FastifyReply) => {
    if (err instanceof RegistryError) {
      if (err.status >= 500) logger.error('registry request failed', { method: req.method, url: req.url, err });
      return reply.code(err.status).send(err.toBody());
    }
    const status = err.statusCode ?? 500;
    if (status < 500) return reply.code(status).send({ error_code: status, message: err.message });
    logger.error('registry request failed', { method: req.method, url: req.url, err });
    return reply.code(500).send({ error_code: 50001, message: `Error in the backend data store: ${err.message}` });
  });

  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error_code: 404, message: `HTTP 404 Not Found: ${req.method} ${req.url}` });
  });

  app.get('/', async () => ({}));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => (service.ready ? { ready: true } : reply.code(503).send({ ready: false })));
  app.get('/mode', async () => ({ mode: 'READWRITE' }));

  // ---- schemas by id ----
  app.get('/schemas/types', async () => ['AVRO']);
  app.get<{ Params: Params }>('/schemas/ids/:id', async (req) => ({ schema: (await service.schemaById(parseId(req.params.id))).schema }));
  app.get<{ Params: Params }>('/schemas/ids/:id/schema', async (req, reply) =>
    reply.send((await service.schemaById(parseId(req.params.id))).schema),
  );
  app.get<{ Params: Params }>('/schemas/ids/:id/versions', async (req) => (await service.schemaById(parseId(req.params.id))).uses);
  app.get<{ Params: Params }>('/schemas/ids/:id/subjects', async (req) => [
    ...new Set((await service.schemaById(parseId(req.params.id))).uses.map((u) => u.subject)),
  ]);

  // ---- subjects ----
  app.get<{ Querystring: Query }>('/subjects', async (req) => service.subjects(flag(req.query.deleted)));
  app.get<{ Params: Params; Querystring: Query }>('/subjects/:subject/versions', async (req) =>
    service.versions(req.params.subject, flag(req.query.deleted)),
  );
  app.post<{ Params: Params; Body: Body }>('/subjects/:subject/versions', async (req) =>
    service.register(req.params.subject, req.body ?? {}),
  );
  app.get<{ Params: Params; Querystring: Query }>('/subjects/:subject/versions/:version', async (req) =>
    service.version(req.params.subject, parseVersion(req.params.version), flag(req.query.deleted)),
  );
  app.get<{ Params: Params; Querystring: Query }>('/subjects/:subject/versions/:version/schema', async (req, reply) =>
    reply.send((await service.version(req.params.subject, parseVersion(req.params.version), flag(req.query.deleted))).schema),
  );
  app.get<{ Params: Params }>('/subjects/:subject/versions/:version/referencedby', async (req) => {
    await service.version(req.params.subject, parseVersion(req.params.version), false);
    return []; // schema references are not supported, so nothing refers to anything
  });
  app.post<{ Params: Params; Querystring: Query; Body: Body }>('/subjects/:subject', async (req) =>
    service.lookup(req.params.subject, req.body ?? {}, flag(req.query.deleted)),
  );
  app.delete<{ Params: Params; Querystring: Query }>('/subjects/:subject', async (req) =>
    service.deleteSubject(req.params.subject, flag(req.query.permanent)),
  );
  app.delete<{ Params: Params; Querystring: Query }>('/subjects/:subject/versions/:version', async (req) =>
    service.deleteVersion(req.params.subject, parseVersion(req.params.version), flag(req.query.permanent)),
  );

  // ---- compatibility ----
  const compatibility = async (subject: string, version: string, body: Body, verbose: boolean) => {
    const problems = await service.compatibility(subject, parseVersion(version), body ?? {});
    return verbose ? { is_compatible: problems.length === 0, messages: problems } : { is_compatible: problems.length === 0 };
  };
  app.post<{ Params: Params; Querystring: Query; Body: Body }>('/compatibility/subjects/:subject/versions/:version', async (req) =>
    compatibility(req.params.subject, req.params.version, req.body, flag(req.query.verbose)),
  );
  app.post<{ Params: Params; Querystring: Query; Body: Body }>('/compatibility/subjects/:subject/versions', async (req) =>
    compatibility(req.params.subject, 'latest', req.body, flag(req.query.verbose)),
  );

  // ---- config ----
  app.get('/config', async () => ({ compatibilityLevel: service.globalConfig() }));
  app.put<{ Body: Body }>('/config', async (req) => ({ compatibility: await service.setConfig(null, req.body ?? {}) }));
  app.get<{ Params: Params; Querystring: Query }>('/config/:subject', async (req) => ({
    compatibilityLevel: await service.subjectConfig(req.params.subject, flag(req.query.defaultToGlobal)),
  }));
  app.put<{ Params: Params; Body: Body }>('/config/:subject', async (req) => ({
    compatibility: await service.setConfig(req.params.subject, req.body ?? {}),
  }));
  app.delete<{ Params: Params }>('/config/:subject', async (req) => ({
    compatibilityLevel: await service.deleteConfig(req.params.subject),
  }));

  return app;
}
