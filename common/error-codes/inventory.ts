// Error codes of the inventory (YAML file, NetBox sync and webhook) and of the credential store.
// A bad inventory entry is skipped and counted by code; the rest of the inventory still loads.
// Part of the one catalogue (common/errors.ts).
import type { ErrorSpec } from '../errors.js';

export const inventoryErrors = {
  INVENTORY_BAD_FIELD: { canRetry: false, meaning: 'an inventory entry has a field of the wrong kind or outside its range' },
  INVENTORY_BAD_ADDRESS: { canRetry: false, meaning: "the device's address is not an IPv4 or IPv6 literal" },
  INVENTORY_NO_ADDRESS: { canRetry: false, meaning: 'a NetBox device has no primary IP address' },
  INVENTORY_DUPLICATE: { canRetry: false, meaning: 'a deviceId appears twice in the inventory file' },
  INVENTORY_NO_SNMP: { canRetry: false, meaning: 'the device has no snmp section (not polled over SNMP)' },
  INVENTORY_NO_SSH: { canRetry: false, meaning: 'the device has no ssh.credential label (not polled over SSH)' },
  INVENTORY_BAD_PORT: { canRetry: false, meaning: 'ssh.port is not a TCP port' },
  INVENTORY_BAD_INTERFACE: { canRetry: false, meaning: "an ssh.ports entry is not an interface name of the device's platform" },
  INVENTORY_SECRET_LITERAL: { canRetry: false, meaning: 'a credential field holds a secret instead of a credential name: refused, never published' },
  INVENTORY_BAD_CREDENTIAL_NAME: { canRetry: false, meaning: 'a credential field is not a credential name' },
} as const satisfies Record<string, ErrorSpec>;

export const netboxErrors = {
  NETBOX_UNREACHABLE: { canRetry: true, meaning: 'NetBox cannot be reached, or the connection was lost mid-answer' },
  NETBOX_TIMEOUT: { canRetry: true, meaning: 'NetBox did not answer within the request timeout' },
  NETBOX_AUTH: { canRetry: false, meaning: 'NetBox refused the API token (HTTP 401 or 403): check NETBOX_TOKEN and its permissions' },
  NETBOX_HTTP: { canRetry: false, meaning: 'NetBox answered another HTTP error; canRetry for 5xx and 429' },
  NETBOX_BAD_JSON: { canRetry: false, meaning: 'NetBox answered a body that is not JSON or without results, or paging did not end' },
  NETBOX_TOO_LARGE: { canRetry: false, meaning: 'an answer larger than NETBOX_MAX_BODY_BYTES' },
  NETBOX_INCOMPLETE: { canRetry: true, meaning: 'the devices changed while paging (count and pages disagree)' },
  NETBOX_BAD_ENTRY: { canRetry: false, meaning: 'a NetBox device entry is not an object with an id or a name' },
  NETBOX_ERROR: { canRetry: false, meaning: 'a NetBox sync failed with an error that carried no code of its own' },
  NETBOX_WEBHOOK_SIGNATURE: { canRetry: false, meaning: 'a webhook event with a missing or wrong X-Hook-Signature (HTTP 401)' },
  NETBOX_WEBHOOK_STALE: { canRetry: false, meaning: 'a webhook event whose timestamp is further from now than NETBOX_WEBHOOK_MAX_AGE_S (HTTP 401)' },
  NETBOX_WEBHOOK_REPLAY: { canRetry: false, meaning: 'a webhook event received before (HTTP 409)' },
  NETBOX_WEBHOOK_BAD_BODY: { canRetry: false, meaning: 'a webhook body that is not a NetBox event (HTTP 400)' },
  NETBOX_WEBHOOK_TOO_LARGE: { canRetry: false, meaning: 'a webhook body larger than NETBOX_WEBHOOK_MAX_BODY_BYTES (HTTP 413)' },
  NETBOX_WEBHOOK_FAILED: { canRetry: true, meaning: 'a webhook event could not be applied (Kafka down…): HTTP 503, NetBox sends it again' },
} as const satisfies Record<string, ErrorSpec>;

// Messages name the credential and the store file, never a secret.
export const credentialErrors = {
  CREDENTIAL_INVALID: { canRetry: false, meaning: 'a credential name or one of its fields is malformed' },
  CREDENTIAL_UNKNOWN: { canRetry: false, meaning: 'a credential name that is not in the store' },
  CREDENTIAL_MISMATCH: { canRetry: false, meaning: 'the named credential is of another kind than the protocol needs (an SNMP community for SSH…)' },
  CREDENTIAL_UNREADABLE: { canRetry: false, meaning: "the store could not open the named credential (wrong key, damaged file): the store's code is in the message" },
  CREDENTIAL_ERROR: { canRetry: false, meaning: 'reading a credential failed with an error that carried no code of its own' },
  CREDENTIAL_DECRYPT_FAILED: { canRetry: false, meaning: 'an entry cannot be opened with this key (wrong OC_CREDENTIALS_KEY, or the entry was altered)' },
  CREDENTIAL_FILE_INVALID: { canRetry: false, meaning: 'the store file is not readable JSON or not an opsconductor credential store' },
  CREDENTIAL_KEY_MISSING: { canRetry: false, meaning: 'no store key: set OC_CREDENTIALS_KEY or OC_CREDENTIALS_KEY_FILE' },
  CREDENTIAL_KEY_INVALID: { canRetry: false, meaning: 'the store key is not 32 bytes in base64' },
  CREDENTIAL_STORE_LOCKED: { canRetry: true, meaning: 'another process holds the store lock for longer than the lock timeout' },
  CREDENTIAL_IMPORT_INVALID: { canRetry: false, meaning: '`credentials import-labels` was given a file that is not a readable inventory' },
  CREDENTIAL_IMPORT_INCOMPLETE: { canRetry: false, meaning: '`credentials import-labels` left labels with a secret of a form it does not know' },
  CREDENTIAL_USAGE: { canRetry: false, meaning: 'the `credentials` command was called with missing or unknown arguments' },
} as const satisfies Record<string, ErrorSpec>;
