// `token`: mints an API token for local use, signed with API_JWT_SECRET or the local profile's
// secret. Prints only the token, so `TOKEN=$(opsconductor token)` works.
import { parseArgs } from 'node:util';
import { signToken } from '../api/auth/jwt.js';
import { localJwtSecret } from './local-secret.js';

const roles = ['viewer', 'operator', 'analyst', 'admin'] as const;

export async function runTokenCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { role: { type: 'string', default: 'viewer' }, sub: { type: 'string', default: 'local-user' }, ttl: { type: 'string', default: String(30 * 24 * 3600) }, profile: { type: 'string', default: 'dev' } },
  });
  const role = values.role as (typeof roles)[number];
  if (!roles.includes(role)) throw new Error(`--role must be one of ${roles.join(', ')}, got "${values.role}"`);
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error(`--ttl must be a positive number of seconds, got "${values.ttl}"`);
  const secret = process.env.API_JWT_SECRET || localJwtSecret(values.profile);
  process.stdout.write(signToken({ sub: values.sub!, role, expiresInS: ttl }, secret) + '\n');
}
