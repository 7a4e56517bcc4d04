// Administration: API keys, inventory records and credentials (every field admin-only through
// @requires in the SDL), and `me` for every caller.

import { ApiError } from '../errors.js';
import type { Role } from '../auth/jwt.js';
import { API_DEFAULTS } from '../defaults.js';
import { requireAuth, type ApiContext } from '../graphql/context.js';
import { listLimit } from '../paging.js';
import { deleteCredential, listCredentials, setCredential } from './credentials.js';
import type { MutationUpsertDeviceArgs } from '../graphql/schema-types.js';
import { deviceFromInput, deviceRowOf } from './inventory.js';

function requireInventory(ctx: ApiContext) {
  if (!ctx.svc.inventory) throw new ApiError('NOT_CONFIGURED', 'this API replica does not publish to Kafka, so it cannot change the inventory');
  return ctx.svc.inventory;
}

export const adminResolvers = {
  Query: {
    me: (_: unknown, _args: unknown, ctx: ApiContext) => {
      const p = requireAuth(ctx);
      return { subject: p.sub, role: p.role, via: p.via, apiKeyId: p.apiKeyId ?? null };
    },
    apiKeys: (_: unknown, args: { includeRevoked?: boolean | null; limit?: number | null }, ctx: ApiContext) =>
      ctx.svc.apiKeys.list(args.includeRevoked ?? false, listLimit(args.limit, API_DEFAULTS.lists.apiKeys, 'apiKeys')),
    credentials: (_: unknown, _args: unknown, ctx: ApiContext) => listCredentials(ctx.svc.credentials).slice(0, API_DEFAULTS.lists.credentials.max),
  },
  Mutation: {
    createApiKey: async (_: unknown, args: { name: string; role: Role; expiresInDays?: number | null }, ctx: ApiContext) => {
      const who = requireAuth(ctx);
      const { record, key } = await ctx.svc.apiKeys.create({ name: args.name, role: args.role, createdBy: who.sub, expiresInDays: args.expiresInDays });
      return { apiKey: record, key };
    },
    revokeApiKey: async (_: unknown, args: { id: string }, ctx: ApiContext) => {
      const record = await ctx.svc.apiKeys.revoke(args.id);
      await ctx.svc.events.publish({ kind: 'api-key-revoked', id: record.id });
      return record;
    },
    upsertDevice: async (_: unknown, args: MutationUpsertDeviceArgs, ctx: ApiContext) => {
      const device = deviceFromInput(args.input);
      await requireInventory(ctx).publish(device.deviceId, device);
      ctx.logger.info('inventory device published', { deviceId: device.deviceId, by: requireAuth(ctx).sub });
      return { deviceId: device.deviceId, kind: 'UPSERT', device: deviceRowOf(device) };
    },
    deleteDevice: async (_: unknown, args: { id: string }, ctx: ApiContext) => {
      await requireInventory(ctx).publish(args.id, null);
      ctx.logger.info('inventory device deleted', { deviceId: args.id, by: requireAuth(ctx).sub });
      return { deviceId: args.id, kind: 'DELETE', device: null };
    },
    setCredential: async (_: unknown, args: { name: string; credential: unknown }, ctx: ApiContext) => {
      const info = await setCredential(ctx.svc.credentials, args.name, args.credential);
      ctx.logger.info('credential stored', { name: args.name, by: requireAuth(ctx).sub });
      return info;
    },
    deleteCredential: (_: unknown, args: { name: string }, ctx: ApiContext) => deleteCredential(ctx.svc.credentials, args.name),
  },
};
