// `token`: mints an API token for local use, signed with API_JWT_SECRET or the local profile's
// secret. Prints only the token, so `TOKEN=$(opsconductor token)` works.
import { parseArgs } from 'node:util';
import { signToken } from '../api/auth/jwt.js';
import { localJwtSecret } from '../infra/local-secret.js';
import { loadConfig } from '../common/config.js';
import { apiSettings } from '../api/settings.js';

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
  // The api's own setting (API_JWT_SECRET or API_JWT_SECRET_FILE), validated the same way.
  const secret = loadConfig({ jwtSecret: apiSettings.jwtSecret }, process.env, undefined).jwtSecret || localJwtSecret(values.profile);
  process.stdout.write(signToken({ sub: values.sub, role, expiresInS: ttl }, secret) + '\n');
}
