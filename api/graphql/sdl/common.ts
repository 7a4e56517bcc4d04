// Shared pieces of the schema: scalars, the role directive, paging, the caller. Times everywhere
// are ms since the Unix epoch as Float (a JS number holds them exactly).

export const commonSdl = /* GraphQL */ `
  "Any JSON value (labels, an inventory record's SNMP access, a credential being written)."
  scalar JSON

  """
  The least role that may select this field (or every field of this type). Roles are ordered
  viewer < operator < analyst < admin; a field without the directive needs viewer (any
  authenticated caller). Checked once per request, before execution (api/auth/permissions.ts).
  """
  directive @requires(role: Role!) on FIELD_DEFINITION | OBJECT

  """
  A list (or a page of one) of at most max items: its first / limit argument must be 1 to max
  (else BAD_USER_INPUT, before anything runs), and the server never returns more. The cost of
  the document counts it as that many items: the argument or its default, the number of ids a
  field names, the page size of the field above (nodes, FamilyResult.series), else max.
  """
  directive @list(max: Int!) on FIELD_DEFINITION

  enum Role {
    viewer
    operator
    analyst
    admin
  }

  enum AuthMethod {
    JWT
    API_KEY
  }

  "Cursor paging (Relay style): pass endCursor as after to get the next page."
  type PageInfo {
    endCursor: String
    hasNextPage: Boolean!
  }

  "Who the API takes the caller for."
  type Viewer {
    subject: String!
    role: Role!
    via: AuthMethod!
    "the key's id when the caller used an API key"
    apiKeyId: ID
  }

  type Query {
    "The authenticated caller."
    me: Viewer!
  }
`;
