// Topology: links between device interfaces from NetBox cables and LLDP (inventory.links).

import { API_DEFAULTS } from '../../defaults.js';

const { lists } = API_DEFAULTS;

export const topologySdl = /* GraphQL */ `
  "A link between two device interfaces; a is the lower end (device:interface compared as text)."
  type TopologyLink {
    "aDevice:aInterface <> bDevice:bInterface"
    id: ID!
    aDeviceId: String!
    aInterface: String!
    bDeviceId: String!
    bInterface: String!
    "who saw it: netbox (a cable), lldp, mcp"
    sources: [String!]!
    "CONFIRMED | NETBOX_ONLY (cable, nothing observed) | UNDOCUMENTED (observed, no cable) | OBSERVED (NetBox not read)"
    state: String!
    "what intended and observed disagree on, for people; null when they agree"
    difference: String
    "nominal bits/s (the slower end's ifHighSpeed); null when unknown"
    speedBps: Float
    netboxCableId: String
    updatedAt: Float!
  }

  type TopologyChange {
    linkId: ID!
    "null when the link is gone"
    link: TopologyLink
  }

  extend type Query {
    "Links ordered by id, the first limit after the id given (page with the last id of the previous page)."
    topology(after: ID, limit: Int = ${lists.topologyLinks.default}): [TopologyLink!]! @list(max: ${lists.topologyLinks.max})
  }

  extend type Subscription {
    "Every change of the topology (a link added, changed or gone), as inventory.links records arrive."
    topology: TopologyChange!
  }
`;
