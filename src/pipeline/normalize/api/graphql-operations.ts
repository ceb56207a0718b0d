/**
 * The operations of a GraphQL document and the root fields each selects (`mutation { issueDelete(id: 1) { success } }`
 * -> mutation [issueDelete]), aliases resolved to field names and fragments at the root followed. Parsed by
 * the reference implementation's parser (`graphql`), so writ reads a document as a GraphQL server does; a
 * document it cannot parse is null, never an empty list.
 */
import { Kind, parse, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { isJsonObject, type JsonValue } from '../../model/json.js';
import type { ApiRequest } from './api-family.js';

type RootType = 'query' | 'mutation' | 'subscription';

/** One operation: its type and the root fields it selects, aliases resolved to field names. */
export interface GraphqlOperation {
  readonly type: RootType;
  readonly name: string | null;
  readonly fields: readonly string[];
}

/** Bounds: a longer document or more tokens is unreadable (the family reads it as its most dangerous class). */
const MAX_CHARS = 256 * 1024;
const MAX_TOKENS = 50_000;
const MAX_FRAGMENT_DEPTH = 16;

/** The root type a type condition names (`... on Mutation`), or null for any other type. */
function rootTypeNamed(name: string | undefined): RootType | null {
  if (name === 'Query') return 'query';
  if (name === 'Mutation') return 'mutation';
  if (name === 'Subscription') return 'subscription';
  return null;
}

/**
 * Adds the root fields a selection set selects, each under the root type it is read as: its operation's, or
 * the root type a fragment's type condition names. SECURITY: `query { ...F } fragment F on Mutation { deleteX }`
 * is no valid query, but a lenient server may run it: its fields count as the mutation they name.
 */
function collect(
  set: SelectionSetNode,
  type: RootType,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  depth: number,
  out: Map<RootType, string[]>,
): boolean {
  if (depth > MAX_FRAGMENT_DEPTH) return false;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      if (s.name.value !== '__typename') {
        const list = out.get(type) ?? [];
        list.push(s.name.value);
        out.set(type, list);
      }
      continue;
    }
    const fragment = s.kind === Kind.FRAGMENT_SPREAD ? fragments.get(s.name.value) : s;
    if (fragment === undefined) return false;
    const inner = rootTypeNamed(fragment.typeCondition?.name.value) ?? type;
    if (!collect(fragment.selectionSet, inner, fragments, depth + 1, out)) return false;
  }
  return true;
}

/**
 * Every operation of a document with its root fields, or null when the document cannot be read. An operation
 * whose fragments reach another root type is listed once per root type (the mutation a query smuggles is a
 * mutation of the same name).
 */
export function graphqlOperations(doc: string): GraphqlOperation[] | null {
  if (doc.length > MAX_CHARS) return null;
  let parsed;
  try {
    parsed = parse(doc, { noLocation: true, maxTokens: MAX_TOKENS });
  } catch {
    // SECURITY: a syntax error, or a document over the token bound: unreadable, never an empty list.
    return null;
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of parsed.definitions) {
    if (d.kind !== Kind.FRAGMENT_DEFINITION) continue;
    if (fragments.has(d.name.value)) return null;
    fragments.set(d.name.value, d);
  }
  const out: GraphqlOperation[] = [];
  for (const d of parsed.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) continue;
    // A type system definition (`type X`, `schema`) is not an executable document.
    if (d.kind !== Kind.OPERATION_DEFINITION) return null;
    const byType = new Map<RootType, string[]>([[d.operation, []]]);
    if (!collect(d.selectionSet, d.operation, fragments, 0, byType)) return null;
    const name = d.name?.value ?? null;
    for (const [type, fields] of byType) out.push({ type, name, fields });
  }
  return out.length === 0 ? null : out;
}

/** The GraphQL documents a request carries (null: a body that is not a GraphQL request): the `query` of the body (each element of a batch), or of the URL. */
export function graphqlDocumentsOf(request: ApiRequest): string[] | null {
  const docs: string[] = [...(request.query['query'] ?? [])];
  const take = (v: JsonValue): boolean => {
    if (!isJsonObject(v)) return false;
    const q = v['query'];
    if (typeof q === 'string') docs.push(q);
    else if (q !== undefined) return false;
    return true;
  };
  const body = request.body;
  if (Array.isArray(body)) {
    // A batch runs every operation of every element.
    for (const el of body) if (!take(el)) return null;
  } else if (body !== null && !take(body)) return null;
  return docs;
}
