// The JWT secret of a local profile: made once, kept in .run/<profile>/ (git-ignored), so tokens
// minted by `token` keep working across restarts of the local stack.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './supervisor.js';

export function localJwtSecret(profile = 'dev'): string {
  const dir = join(projectRoot, '.run', profile);
  const file = join(dir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
