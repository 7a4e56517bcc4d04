// Settings of the `notifier` role: Kafka (shared), ops endpoints, and where the routes live.
import { readFileSync } from 'node:fs';
import { defineSettings, type ConfigOf } from '../../common/config.js';
import { OpsError } from '../../common/errors.js';
import { opsSettingsFor } from '../../common/settings.js';
import { streamSettings } from '../../streams/settings.js';
import { parentDownSettings } from '../../alarms/parent-down-settings.js';
import type { SmtpOptions } from './smtp.js';

export const notifySettings = defineSettings({
  ...streamSettings,
  ...opsSettingsFor('notifier'),
  routesFile: { kind: 'string', env: 'NOTIFY_ROUTES_FILE', doc: 'YAML file listing the notification routes (match → webhook / email)' },
  groupId: { kind: 'string', env: 'NOTIFY_GROUP', default: 'notifier', doc: 'consumer group of notifier replicas' },
  redisUrl: { kind: 'string', env: 'REDIS_URL', default: 'off', doc: 'Redis remembering delivered notifications across restarts ("off": in-memory only)' },
  smtpStarttls: { kind: 'string', env: 'NOTIFY_SMTP_STARTTLS', default: '', choices: ['auto', 'required', 'off'], doc: 'SMTP STARTTLS: auto upgrades when the relay offers it, required refuses a relay that does not, off never upgrades; unset: required when NOTIFY_SMTP_PASSWORD is set, else auto' },
  smtpCaFile: { kind: 'string', env: 'NOTIFY_SMTP_CA_FILE', default: '', doc: "PEM file of the CA(s) the relay's TLS certificate must chain to (empty: the system's CAs); the certificate is always verified" },
  smtpUser: { kind: 'string', env: 'NOTIFY_SMTP_USER', default: '', doc: 'SMTP AUTH user name (empty: no AUTH); only sent inside STARTTLS' },
  smtpPassword: { kind: 'secret', env: 'NOTIFY_SMTP_PASSWORD', default: '', fromFile: true, doc: 'SMTP AUTH password (with NOTIFY_SMTP_USER)' },
  smtpAuthMechanism: { kind: 'string', env: 'NOTIFY_SMTP_AUTH', default: 'auto', choices: ['auto', 'plain', 'login'], doc: 'SMTP AUTH mechanism: auto takes PLAIN, else LOGIN, as the relay offers' },
  smtpTimeoutMs: { kind: 'int', env: 'NOTIFY_SMTP_TIMEOUT_MS', default: 10_000, min: 500, max: 120_000, doc: 'ms an SMTP relay may stay silent before the delivery fails' },
  ...parentDownSettings,
  quietMs: { kind: 'int', env: 'NOTIFY_QUIET_MS', default: 15 * 60_000, min: 0, doc: 'ms of event time after a page (OPEN) during which the same series does not page again' },
});

/** The SMTP options of every e-mail route, from the settings; a CA file that cannot be read, or a
 *  user without a password, fails at start rather than at the first page. */
export function smtpOptionsOf(c: ConfigOf<typeof notifySettings>): SmtpOptions {
  let ca: Buffer | undefined;
  if (c.smtpCaFile) {
    try {
      ca = readFileSync(c.smtpCaFile);
    } catch (err) {
      throw new OpsError('CONFIG_INVALID', `smtpCaFile (env NOTIFY_SMTP_CA_FILE) names ${c.smtpCaFile}, which cannot be read: ${(err as Error).message}`);
    }
  }
  if (c.smtpUser && !c.smtpPassword) throw new OpsError('CONFIG_INVALID', 'smtpUser (env NOTIFY_SMTP_USER) is set without smtpPassword: set NOTIFY_SMTP_PASSWORD too');
  return {
    timeoutMs: c.smtpTimeoutMs,
    // With a password, a relay that stops offering STARTTLS (a man in the middle stripping it) is
    // refused before anything is said, unless auto is asked for explicitly.
    starttls: (c.smtpStarttls || (c.smtpPassword ? 'required' : 'auto')) as SmtpOptions['starttls'],
    ca,
    auth: c.smtpUser ? { user: c.smtpUser, password: c.smtpPassword, mechanism: c.smtpAuthMechanism as 'auto' | 'plain' | 'login' } : undefined,
  };
}
