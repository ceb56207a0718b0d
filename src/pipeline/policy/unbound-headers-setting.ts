/**
 * The `settings.unbound_headers` policy setting: per host, headers the mesh adds or rewrites on the way to
 * the tool beyond the built-in set, so execution tokens do not bind them (docs/canonical-action.md).
 */
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { HEADER_NAME_PATTERN, type UnboundHeaderRule } from '../bind/bound-headers.js';

/** Credentials always stay bound: a token must fail when who acts at the tool changes. */
const ALWAYS_BOUND: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'content-type'];

const HOST_PATTERN = /^(?:\*\.)?[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;

/** Whether a name or prefix (`x-foo-*`) would cover a header that must stay bound. */
function coversBound(name: string): string | undefined {
  if (!name.endsWith('*')) return ALWAYS_BOUND.find((b) => b === name);
  const prefix = name.slice(0, -1);
  return ALWAYS_BOUND.find((b) => b.startsWith(prefix));
}

/**
 * Reads `unbound_headers: { <host or *.suffix>: [<header name or prefix*>, ...] }`; reports every problem
 * at its node and returns the rules that are valid.
 */
export function readUnboundHeaders(
  node: Node,
  report: (n: Node, message: string) => void,
): UnboundHeaderRule[] {
  const rules: UnboundHeaderRule[] = [];
  if (!isMap(node)) {
    report(node, 'unbound_headers must be a mapping of host to a list of header names');
    return rules;
  }
  for (const pair of node.items as Pair<Node, Node>[]) {
    const host = isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : null;
    if (host === null || !HOST_PATTERN.test(host)) {
      report(
        pair.key,
        `unbound_headers host ${JSON.stringify(host ?? String(pair.key))} must be a lower-case host name or "*.suffix"`,
      );
      continue;
    }
    if (!isSeq(pair.value)) {
      report(pair.value ?? pair.key, `unbound_headers of "${host}" must be a list of header names`);
      continue;
    }
    const names: string[] = [];
    for (const item of pair.value.items as Node[]) {
      const name = isScalar(item) && typeof item.value === 'string' ? item.value : null;
      if (name === null || !HEADER_NAME_PATTERN.test(name) || name === '*') {
        report(
          item,
          `unbound header ${JSON.stringify(name ?? String(item))} of "${host}" must be a lower-case header name, or a prefix ending in "*"`,
        );
        continue;
      }
      const bound = coversBound(name);
      if (bound !== undefined) {
        report(
          item,
          `unbound header "${name}" of "${host}" would unbind "${bound}", which a token always binds`,
        );
        continue;
      }
      names.push(name);
    }
    rules.push(Object.freeze({ host, names: Object.freeze(names) }));
  }
  return rules;
}
