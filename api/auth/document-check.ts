// Checks a GraphQL document before it runs, in one pass over its selections: the caller's role
// against every field it selects (@requires in the SDL: api/graphql/sdl/common.ts), the nesting
// depth, and an estimated cost. Refusing the whole document before execution means no resolver
// runs for a request that would fail anyway, and the checks cost nothing per resolved value.
//
// Cost: each field costs 1 plus its selection's cost times the number of items it may return.
// Every list of objects in the schema is bounded (@list(max) in the SDL, or the ids it names;
// assertListsBounded refuses a schema with an unbounded one), and its items are what it may
// really return: its `first` / `limit` argument (checked to be 1..max here, before any costing,
// so a negative or huge page cannot lower or dodge the estimate), the number of `seriesIds` /
// `deviceIds` it names, the page of the field above it (a connection's `nodes`,
// FamilyResult.series), else its max.

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
  isObjectType,
  type SelectionSetNode,
  type ConstDirectiveNode,
} from 'graphql';
import type { ApiLimits } from '../defaults.js';
import { ApiError } from '../errors.js';
import { isRole, type Role } from './jwt.js';
import { higherRole, roleAtLeast, type Principal } from './principal.js';

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

const PAGE_ARGS = ['first', 'limit'] as const;
const ID_ARGS = ['seriesIds', 'deviceIds'] as const;

/** The max of a field's @list directive, if it has one. */
export function listMaxOf(field: GraphQLField<unknown, unknown>): number | undefined {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'list');
  const arg = directive?.arguments?.find((a) => a.name.value === 'max');
  return arg && arg.value.kind === Kind.INT ? Number(arg.value.value) : undefined;
}

/**
 * Throws unless every field returning a list of objects is bounded (@list, or ids it names), and
 * every paged field (a first / limit argument) says its max: a list added without a bound would
 * otherwise be estimated at nothing and returned in full.
 */
export function assertListsBounded(schema: GraphQLSchema): void {
  const unbounded: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !('getFields' in type) || !isObjectType(type)) continue;
    for (const field of Object.values(type.getFields()) as Array<GraphQLField<unknown, unknown>>) {
      const named = getNamedType(field.type);
      const objects = isList(field.type) && 'getFields' in named;
      const paged = field.args.some((a) => (PAGE_ARGS as readonly string[]).includes(a.name));
      const byIds = field.args.some((a) => (ID_ARGS as readonly string[]).includes(a.name));
      if ((objects && !byIds) || paged) if (listMaxOf(field) === undefined) unbounded.push(`${type.name}.${field.name}`);
    }
  }
  if (unbounded.length > 0) throw new Error(`lists without @list(max: N) in the schema: ${unbounded.join(', ')}`);
}

export interface DocumentCheckInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  /** undefined: not known (a subscription); a page argument given by a variable then counts as its max */
  variables: Record<string, unknown> | undefined;
  principal: Principal | null; // null: not authenticated (a resolver refuses it); roles are not checked
  limits: Pick<ApiLimits, 'queryDepth' | 'queryCost'>;
  roles: FieldRoles;
}

/** Throws FORBIDDEN, BAD_USER_INPUT (a page argument out of range), LIMIT_DEPTH or LIMIT_COST; returns the estimated cost otherwise. */
export function checkDocument(input: DocumentCheckInput): number {
  const { schema, document, variables, principal, limits, roles } = input;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

  // The page a field asks for, checked against its @list max; ids it names; or undefined.
  const requested = (field: GraphQLField<unknown, unknown>, node: FieldNode, where: string): number | undefined => {
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, node, variables ?? {});
    } catch (err) {
      // A subscription's variables are not known here (mercurius does not hand them to the
      // hook): count the worst case; the resolvers check the values themselves.
      if (variables === undefined) return listMaxOf(field);
      throw new ApiError('BAD_USER_INPUT', `${where}: ${(err as Error).message}`);
    }
    const max = listMaxOf(field);
    for (const name of PAGE_ARGS) {
      const value = args[name];
      if (value === undefined || value === null) continue;
      if (!Number.isInteger(value) || (value as number) < 1 || (max !== undefined && (value as number) > max)) {
        throw new ApiError('BAD_USER_INPUT', `${where}: ${name} must be a whole number from 1 to ${max}, got ${String(value)}`, { detail: { limit: max ?? 0 } });
      }
      return value as number;
    }
    for (const name of ID_ARGS) if (Array.isArray(args[name])) return Math.max(1, (args[name] as unknown[]).length);
    return undefined;
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
      const where = `${parent.name}.${name}`;
      const asked = requested(field, sel, where);
      const list = isList(field.type);
      let child = 0;
      if (sel.selectionSet) {
        // A field returning one object with a page argument (a connection, FamilyResult) hands
        // its page down to the list inside it.
        const page = list ? undefined : asked;
        child = walk(sel.selectionSet, getNamedType(field.type), depth + 1, page);
      }
      const items = list ? (asked ?? pageSize ?? listMaxOf(field) ?? 1) : 1;
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
