// Administration: the inventory (published to inventory.devices: the inventory is event-sourced,
// the sink builds the devices table from it), credentials (write-only) and API keys.

import { API_DEFAULTS } from '../../defaults.js';

const { lists } = API_DEFAULTS;

export const adminSdl = /* GraphQL */ `
  type ApiKey @requires(role: admin) {
    id: ID!
    name: String!
    role: Role!
    "the first characters of the key, to recognise it"
    prefix: String!
    createdBy: String!
    createdAt: Float!
    expiresAt: Float
    revokedAt: Float
    lastUsedAt: Float
  }

  type CreatedApiKey @requires(role: admin) {
    apiKey: ApiKey!
    "the key itself: shown this once, only its hash is stored. Send it as x-api-key: <key> or Authorization: ApiKey <key>."
    key: String!
  }

  "A stored credential's name and kind; its secret is never read back."
  type CredentialInfo @requires(role: admin) {
    name: String!
    kind: String!
    updatedAt: Float!
  }

  input SnmpAccessInput {
    "v2c | v3"
    version: String!
    port: Int = 161
    "name of a stored credential (setCredential); a secret written here (community:<value>) is refused"
    credential: String!
    profiles: [String!]!
    timeoutMs: Int
    retries: Int
    context: String
  }

  input DeviceInput {
    id: ID!
    hostname: String!
    address: String!
    site: String!
    role: String!
    platform: String!
    vendor: String!
    status: String = "active"
    tags: [String!] = []
    "free labels; a <protocol>.credential label names a stored credential (ssh.credential); a label holding or naming a secret is refused (BAD_USER_INPUT, reason INVENTORY_SECRET_LITERAL)"
    labels: JSON
    snmp: SnmpAccessInput
  }

  "What a device mutation published to inventory.devices; the devices table follows once the sink has applied it."
  type InventoryChange @requires(role: admin) {
    deviceId: ID!
    "UPSERT | DELETE"
    kind: String!
    "the record as published (null for DELETE)"
    device: Device
  }

  extend type Query {
    "API keys by creation time, the first limit"
    apiKeys(includeRevoked: Boolean = false, limit: Int = ${lists.apiKeys.default}): [ApiKey!]! @requires(role: admin) @list(max: ${lists.apiKeys.max})
    "stored credentials by name, at most ${lists.credentials.max}"
    credentials: [CredentialInfo!]! @requires(role: admin) @list(max: ${lists.credentials.max})
  }

  extend type Mutation {
    upsertDevice(input: DeviceInput!): InventoryChange! @requires(role: admin)
    deleteDevice(id: ID!): InventoryChange! @requires(role: admin)
    """
    Stores a credential in the encrypted store, e.g. {"kind":"snmp-v3","user":"noc",
    "authProtocol":"sha256","authKey":"...","privProtocol":"aes","privKey":"..."}; kinds:
    snmp-community, snmp-v3, ssh-password, ssh-key, mcp-account.
    """
    setCredential(name: String!, credential: JSON!): CredentialInfo! @requires(role: admin)
    deleteCredential(name: String!): Boolean! @requires(role: admin)
    "expiresInDays: none = never expires"
    createApiKey(name: String!, role: Role!, expiresInDays: Int): CreatedApiKey! @requires(role: admin)
    revokeApiKey(id: ID!): ApiKey! @requires(role: admin)
  }
`;
