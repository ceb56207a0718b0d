/**
 * Inspects the content of one upstream message (a tool result, a resource, a server's request) with the
 * inspectors that judge what reaches a model: prompt injection, tool poisoning, secrets and personal data,
 * plus encoding evasion for what only shows once decoded. Every finding says its direction: `response`.
 */
import { collectValueLeaves } from '../inspect/collect-leaves.js';
import { expandLeaves } from '../inspect/decode/expand-leaves.js';
import type { Inspector, InspectorConfig, StringLeaf } from '../inspect/inspector.js';
import {
  deriveEncodedAttackFindings,
  encodingEvasionInspector,
} from '../inspect/inspectors/encoding-evasion.js';
import { piiInspector } from '../inspect/inspectors/pii.js';
import { promptInjectionInspector } from '../inspect/inspectors/prompt-injection.js';
import { secretsInspector } from '../inspect/inspectors/secrets.js';
import { toolPoisoningInspector } from '../inspect/inspectors/tool-poisoning.js';
import { makeLeafViews } from '../inspect/lib/leaf-traits.js';
import { runInspectors } from '../inspect/run-inspectors.js';
import { InspectorRegistry } from '../inspect/registry.js';
import { blankAction, type Action } from '../model/action.js';
import type { Finding } from '../model/finding.js';
import type { ResponseContent } from './content-readers.js';

/** The inspectors a response goes through, in the order their findings are reported. */
export const RESPONSE_INSPECTORS: readonly Inspector[] = Object.freeze([
  promptInjectionInspector,
  piiInspector,
  secretsInspector,
  toolPoisoningInspector,
  encodingEvasionInspector,
]);

/** Where the response came from: the upstream the request went to. */
export interface ResponseOrigin {
  readonly server: string;
  readonly path: string;
  readonly scheme: string;
  /** The media type of the response. */
  readonly contentType: string;
  /** The agent session (`x-writ-session`) and MCP session (`mcp-session-id`) ids the request carried. */
  readonly sessionId: string | null;
}

/** The action a response rule is evaluated over: who answered what, read as a read of that tool. */
export function responseAction(content: ResponseContent, origin: ResponseOrigin): Action {
  return blankAction({
    action: {
      adapter: content.protocol,
      tool: content.tool ?? content.kind,
      operation: 'read',
      httpMethod: '',
      mcpMethod: content.protocol === 'http' ? null : content.kind,
    },
    resource: {
      uri: `${origin.scheme}://${origin.server}${origin.path}`,
      scheme: origin.scheme,
      host: origin.server,
      path: origin.path,
    },
    context: { origin: 'tool', sessionId: origin.sessionId, contentType: origin.contentType },
    // The payload tool-poisoning reads: a tool list inside a result is judged as one, and so are the
    // definitions a message offers like tools (an agent card's skills).
    payload:
      content.definitions !== undefined
        ? { tools: [...content.definitions] }
        : content.parts.length === 1
          ? content.parts[0]!.value
          : content.parts.map((p) => p.value),
  });
}

/** The key a part's top value is read under: content keys make prompt injection read it as content. */
const PART_KEY = 'content';

/**
 * The findings in one message's content, each marked `direction: response`. Throws ERR_INSPECTION_LIMIT
 * (WritError) when the content holds more than writ inspects: the caller withholds it.
 */
export function inspectResponseContent(
  content: ResponseContent,
  action: Action,
  config: InspectorConfig,
  registry: InspectorRegistry = new InspectorRegistry(RESPONSE_INSPECTORS),
): Finding[] {
  const inspectors = registry.inspectors;
  const budget = { nodes: 0 };
  const leaves: StringLeaf[] = [];
  for (const part of content.parts)
    for (const leaf of collectValueLeaves(part.value, part.path, PART_KEY, 'body', budget)) leaves.push(leaf);
  const expanded = expandLeaves(leaves);
  const input = {
    action,
    leaves: expanded.leaves,
    config,
    traits: expanded.traits,
    views: makeLeafViews(expanded.leaves, registry.vocabulary),
  };
  const findings = runInspectors(inspectors, input);
  if (inspectors.includes(encodingEvasionInspector))
    for (const f of deriveEncodedAttackFindings(findings)) findings.push(f);
  return findings.map((f) => ({ ...f, direction: 'response' as const }));
}
