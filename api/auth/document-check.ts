// Checks a GraphQL document before it runs, in one pass over its selections: the caller's role
// against every field it selects (@requires in the SDL: api/graphql/sdl/common.ts), the nesting
// depth, and an estimated cost. Refusing the whole document before execution means no resolver
// runs for a request that would fail anyway, and the checks cost nothing per resolved value.
//
// Cost: each field costs 1 plus its selection's cost times the number of items it may return:
// `first` / `limit` / the length of `seriesIds` / `deviceIds` when given, the parent connection's
// `first` for its `nodes`, DEFAULT_LIST_SIZE otherwise.

import {
  getArgumentValues,
  getNamedType,
  isListType,
  isNonNullType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  type SelectionSetNode,
  type ConstDirectiveNode,
} from 'graphql';
import type { ApiLimits } from '../defaults.js';
import { ApiError } from '../errors.js';
import { isRole, type Role } from './jwt.js';
import { higherRole, roleAtLeast, type Principal } from './principal.js';

const DEFAULT_LIST_SIZE = 10;
// Introspection (`__schema`, `__type`) is not charged, but its TypeRef chains nest deeply: it gets
// this many levels more than the limit, which a standard introspection query fits in, and no more.
const INTROSPECTION_EXTRA_DEPTH = 12;

/** "Type.field" → the least role that may select it, from @requires on fields and types. */
export type FieldRoles = Map<string, Role>;

function requiredRole(directives: readonly ConstDirectiveNode[] | undefined): Role | undefined {
  for (const d of directives ?? []) {
    if (d.name.value !== 'requires') continue;
    const arg = d.arguments?.find((a) => a.name.value === 'role');
    if (arg && arg.value.kind === Kind.ENUM && isRole(arg.value.value)) return arg.value.value;
  }
  return undefined;
}

export function fieldRolesOf(schema: GraphQLSchema): FieldRoles {
  const roles: FieldRoles = new Map();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !('getFields' in type) || !type.astNode || !('fields' in type.astNode)) continue;
    let typeRole: Role | undefined;
    for (const node of [type.astNode, ...(type.extensionASTNodes ?? [])]) typeRole = higherRole(typeRole, requiredRole(node.directives));
    for (const field of Object.values(type.getFields())) {
      const role = higherRole(typeRole, requiredRole((field as GraphQLField<unknown, unknown>).astNode?.directives));
      if (role && role !== 'viewer') roles.set(`${type.name}.${field.name}`, role);
    }
  }
  return roles;
}

function isList(type: GraphQLType): boolean {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isListType(inner);
}

export interface DocumentCheckInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  variables: Record<string, unknown> | undefined;
  principal: Principal | null; // null: not authenticated (a resolver refuses it); roles are not checked
  limits: Pick<ApiLimits, 'queryDepth' | 'queryCost'>;
  roles: FieldRoles;
}

/** Throws FORBIDDEN, LIMIT_DEPTH or LIMIT_COST; returns the estimated cost otherwise. */
export function checkDocument(input: DocumentCheckInput): number {
  const { schema, document, variables, principal, limits, roles } = input;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

  const listSize = (field: GraphQLField<unknown, unknown>, node: FieldNode): number => {
    let args: Record<string, unknown> = {};
    try {
      args = getArgumentValues(field, node, variables ?? {});
    } catch {
      return DEFAULT_LIST_SIZE; // bad arguments fail in execution with their own message
    }
    for (const name of ['first', 'limit']) if (typeof args[name] === 'number') return Math.max(1, args[name] as number);
    for (const name of ['seriesIds', 'deviceIds']) if (Array.isArray(args[name])) return Math.max(1, (args[name] as unknown[]).length);
    return DEFAULT_LIST_SIZE;
  };

  const introspectionDepth = (selectionSet: SelectionSetNode, depth: number): void => {
    const limit = limits.queryDepth + INTROSPECTION_EXTRA_DEPTH;
    if (depth > limit) throw new ApiError('LIMIT_DEPTH', `the introspection query nests deeper than ${limit} levels`, { detail: { limit } });
    for (const sel of selectionSet.selections) {
      const inner = sel.kind === Kind.FRAGMENT_SPREAD ? fragments.get(sel.name.value)?.selectionSet : sel.selectionSet;
      if (inner) introspectionDepth(inner, sel.kind === Kind.FIELD ? depth + 1 : depth);
    }
  };

  const walk = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, depth: number, pageSize: number | undefined): number => {
    if (depth > limits.queryDepth) {
      throw new ApiError('LIMIT_DEPTH', `the document nests selections deeper than ${limits.queryDepth} levels`, { detail: { limit: limits.queryDepth } });
    }
    let cost = 0;
    for (const sel of selectionSet.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        if (type) cost += walk(sel.selectionSet, type, depth, pageSize);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        const type = frag && schema.getType(frag.typeCondition.name.value);
        if (frag && type) cost += walk(frag.selectionSet, type, depth, pageSize);
        continue;
      }
      const name = sel.name.value;
      if (name === '__schema' || name === '__type') {
        if (sel.selectionSet) introspectionDepth(sel.selectionSet, depth + 1);
        continue;
      }
      if (name.startsWith('__')) continue; // __typename
      if (!('getFields' in parent)) continue;
      const field = parent.getFields()[name] as GraphQLField<unknown, unknown> | undefined;
      if (!field) continue; // validation already refused unknown fields
      const needed = roles.get(`${parent.name}.${name}`);
      if (needed && principal && !roleAtLeast(principal.role, needed)) {
        throw new ApiError('FORBIDDEN', `${parent.name}.${name} needs the ${needed} role; this caller is ${principal.role}`, {
          detail: { field: `${parent.name}.${name}`, requiredRole: needed },
        });
      }
      let child = 0;
      const returned = getNamedType(field.type);
      if (sel.selectionSet) {
        const size = returned.name.endsWith('Connection') ? listSize(field, sel) : undefined;
        child = walk(sel.selectionSet, returned, depth + 1, size);
      }
      const items = isList(field.type) ? (name === 'nodes' && pageSize !== undefined ? pageSize : listSize(field, sel)) : 1;
      cost += 1 + items * child;
      if (cost > limits.queryCost) {
        throw new ApiError('LIMIT_COST', `the document's estimated cost is above the limit of ${limits.queryCost}; ask for fewer items or fields`, {
          detail: { limit: limits.queryCost },
        });
      }
    }
    return cost;
  };

  let total = 0;
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = schema.getRootType(def.operation);
    if (root) total += walk(def.selectionSet, root, 1, undefined);
  }
  return total;
}
