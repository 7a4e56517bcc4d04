// Where the credential store is and what opens it, as a settings schema: the `credentials`
// command's settings (its --help, `config check`, the configuration reference), and what every
// other reader of the store (collector, traps, api, lab, inventory commands) loads too, so the key,
// its _FILE form and the refusal of both at once behave the same everywhere.
// Environment only: OC_CONFIG is a role's own file, and a role's file does not name these keys.
import { defineSettings, loadConfig, type ConfigOf } from '../common/config.js';
import { CREDENTIAL_KEY_BYTES, parseKey } from './credential-key.js';
import { CredentialError } from './credential-types.js';

export const credentialStoreSettings = defineSettings({
  credentialsKey: {
    kind: 'secret',
    env: 'OC_CREDENTIALS_KEY',
    fromFile: true,
    default: '',
    doc: `AES-256-GCM key of the credential store: base64 of ${CREDENTIAL_KEY_BYTES} random bytes (\`credentials keygen\` prints one); required once the store file exists`,
    check: (v) => {
      if (v === '') return undefined;
      try {
        parseKey(String(v), 'the key');
        return undefined;
      } catch {
        return `must hold ${CREDENTIAL_KEY_BYTES} bytes in base64 (44 characters); \`credentials keygen\` prints one`;
      }
    },
  },
  credentialsFile: {
    kind: 'string',
    env: 'OC_CREDENTIALS_FILE',
    default: '',
    defaultText: '.run/<OC_PROFILE or dev>/credentials.enc.json',
    doc: 'the credential store file (created with mode 0600 by the first `credentials put`); relative to the working directory',
  },
});

export type CredentialStoreConfig = ConfigOf<typeof credentialStoreSettings>;

export function loadCredentialStoreConfig(env: NodeJS.ProcessEnv): CredentialStoreConfig {
  return loadConfig(credentialStoreSettings, env, undefined);
}

/** The store key (CREDENTIAL_KEY_MISSING when neither OC_CREDENTIALS_KEY nor its _FILE is set;
 * CONFIG_INVALID naming the setting when both are, or the value is not a key). */
export function loadCredentialKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const { credentialsKey } = loadCredentialStoreConfig(env);
  if (credentialsKey === '')
    throw new CredentialError('CREDENTIAL_KEY_MISSING', 'no credential store key: set OC_CREDENTIALS_KEY (base64 of 32 random bytes) or OC_CREDENTIALS_KEY_FILE (a file holding it); `credentials keygen` prints a new one');
  return parseKey(credentialsKey, env.OC_CREDENTIALS_KEY ? 'OC_CREDENTIALS_KEY' : 'OC_CREDENTIALS_KEY_FILE');
}
