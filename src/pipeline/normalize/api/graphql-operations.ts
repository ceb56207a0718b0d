/**
 * The operations of a GraphQL document and the root fields each selects (`mutation { issueDelete(id: 1) { success } }`
 * -> mutation [issueDelete]), fragments spread at the root followed. A small reader of the GraphQL grammar's
 * executable definitions (October 2021 spec); a document it cannot read is null, never an empty list.
 */

/** One operation: its type and the root fields it selects, aliases resolved to field names. */
export interface GraphqlOperation {
  readonly type: 'query' | 'mutation' | 'subscription';
  readonly name: string | null;
  readonly fields: readonly string[];
}

/** Bounds: a longer document or more tokens is unreadable (the family reads it as its most dangerous class). */
const MAX_CHARS = 256 * 1024;
const MAX_TOKENS = 50_000;
const MAX_FRAGMENT_DEPTH = 16;

type Token = { readonly kind: 'name' | 'punct' | 'value'; readonly text: string };

const NAME = /[_A-Za-z][_0-9A-Za-z]*/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

function tokenize(doc: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  while (i < doc.length) {
    if (out.length > MAX_TOKENS) return null;
    const c = doc[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',' || c === '\uFEFF') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < doc.length && doc[i] !== '\n' && doc[i] !== '\r') i++;
      continue;
    }
    if (doc.startsWith('"""', i)) {
      const end = doc.indexOf('"""', i + 3);
      if (end === -1) return null;
      // An escaped `\"""` does not close the block string.
      let close = end;
      while (close !== -1 && doc[close - 1] === '\\') close = doc.indexOf('"""', close + 3);
      if (close === -1) return null;
      out.push({ kind: 'value', text: '""' });
      i = close + 3;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < doc.length && doc[j] !== '"') {
        if (doc[j] === '\n' || doc[j] === '\r') return null;
        j += doc[j] === '\\' ? 2 : 1;
      }
      if (j >= doc.length) return null;
      out.push({ kind: 'value', text: '""' });
      i = j + 1;
      continue;
    }
    if (doc.startsWith('...', i)) {
      out.push({ kind: 'punct', text: '...' });
      i += 3;
      continue;
    }
    if ('{}()[]:!$@=|&'.includes(c)) {
      out.push({ kind: 'punct', text: c });
      i++;
      continue;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(doc);
    if (name !== null) {
      out.push({ kind: 'name', text: name[0] });
      i += name[0].length;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(doc);
    if (num !== null) {
      out.push({ kind: 'value', text: num[0] });
      i += num[0].length;
      continue;
    }
    return null;
  }
  return out;
}

class Reader {
  i = 0;
  constructor(readonly tokens: readonly Token[]) {}
  peek(): Token | undefined {
    return this.tokens[this.i];
  }
  is(text: string): boolean {
    return this.tokens[this.i]?.text === text && this.tokens[this.i]?.kind !== 'value';
  }
  next(): Token {
    const t = this.tokens[this.i++];
    if (t === undefined) throw new SyntaxError('unexpected end of document');
    return t;
  }
  expect(text: string): void {
    if (!this.is(text)) throw new SyntaxError(`expected "${text}"`);
    this.i++;
  }
  /** Skips a balanced group opened by the current token (`(`, `[` or `{`). */
  skipGroup(): void {
    const open = this.next().text;
    const close = open === '(' ? ')' : open === '[' ? ']' : '}';
    let depth = 1;
    while (depth > 0) {
      const t = this.next();
      if (t.kind === 'value') continue;
      if (t.text === open) depth++;
      else if (t.text === close) depth--;
    }
  }
  skipDirectives(): void {
    while (this.is('@')) {
      this.next();
      this.next();
      if (this.is('(')) this.skipGroup();
    }
  }
}

/** One root selection: a field's name, an inline fragment's fields, or a named fragment to resolve. */
type Selection = { field: string } | { spread: string } | { inline: Selection[] };

function readSelectionSet(r: Reader): Selection[] {
  r.expect('{');
  const out: Selection[] = [];
  while (!r.is('}')) {
    if (r.is('...')) {
      r.next();
      if (r.is('on')) {
        r.next();
        r.next();
        r.skipDirectives();
        out.push({ inline: readSelectionSet(r) });
      } else if (r.is('@') || r.is('{')) {
        r.skipDirectives();
        out.push({ inline: readSelectionSet(r) });
      } else {
        const name = r.next();
        if (name.kind !== 'name') throw new SyntaxError('fragment spread without a name');
        r.skipDirectives();
        out.push({ spread: name.text });
      }
      continue;
    }
    const first = r.next();
    if (first.kind !== 'name') throw new SyntaxError('selection without a field name');
    let field = first.text;
    if (r.is(':')) {
      r.next();
      const real = r.next();
      if (real.kind !== 'name') throw new SyntaxError('alias without a field name');
      field = real.text;
    }
    if (r.is('(')) r.skipGroup();
    r.skipDirectives();
    if (r.is('{')) r.skipGroup();
    out.push({ field });
  }
  r.expect('}');
  return out;
}

function resolve(
  selections: readonly Selection[],
  fragments: ReadonlyMap<string, Selection[]>,
  depth: number,
): string[] | null {
  if (depth > MAX_FRAGMENT_DEPTH) return null;
  const out: string[] = [];
  for (const s of selections) {
    if ('field' in s) {
      if (s.field !== '__typename') out.push(s.field);
    } else {
      const inner = 'inline' in s ? s.inline : fragments.get(s.spread);
      if (inner === undefined) return null;
      const fields = resolve(inner, fragments, depth + 1);
      if (fields === null) return null;
      out.push(...fields);
    }
  }
  return out;
}

/** Every operation of a document with its root fields, or null when the document cannot be read. */
export function graphqlOperations(doc: string): GraphqlOperation[] | null {
  if (doc.length > MAX_CHARS) return null;
  const tokens = tokenize(doc);
  if (tokens === null || tokens.length === 0) return null;
  const r = new Reader(tokens);
  const raw: Array<{ type: GraphqlOperation['type']; name: string | null; selections: Selection[] }> = [];
  const fragments = new Map<string, Selection[]>();
  try {
    while (r.peek() !== undefined) {
      if (r.is('{')) {
        raw.push({ type: 'query', name: null, selections: readSelectionSet(r) });
        continue;
      }
      const keyword = r.next();
      if (keyword.kind !== 'name') return null;
      if (keyword.text === 'fragment') {
        const name = r.next().text;
        r.expect('on');
        r.next();
        r.skipDirectives();
        if (fragments.has(name)) return null;
        fragments.set(name, readSelectionSet(r));
        continue;
      }
      if (keyword.text !== 'query' && keyword.text !== 'mutation' && keyword.text !== 'subscription')
        return null;
      let name: string | null = null;
      if (r.peek()?.kind === 'name') name = r.next().text;
      if (r.is('(')) r.skipGroup();
      r.skipDirectives();
      raw.push({ type: keyword.text, name, selections: readSelectionSet(r) });
    }
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
  const out: GraphqlOperation[] = [];
  for (const op of raw) {
    const fields = resolve(op.selections, fragments, 0);
    if (fields === null) return null;
    out.push({ type: op.type, name: op.name, fields });
  }
  return out;
}
