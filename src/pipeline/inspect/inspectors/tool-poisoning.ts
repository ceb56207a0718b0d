/** tool-poisoning: MCP tool definitions with hidden instructions, and definitions that changed since pinned (rug pull). */
import { createHash } from 'node:crypto';
import type { Finding } from '../../model/finding.js';
import type { JsonValue } from '../../model/json.js';
import { isJsonObject } from '../../model/json.js';
import { makeFinding, type InspectionInput, type Inspector, type InspectorConfig } from '../inspector.js';
import { ADDRESSES_AI, OVERRIDE, ROLE_SPOOF, TOOL_COERCION } from '../lib/injection-phrases.js';
import { excerpt } from '../lib/redact.js';
import { TAGS } from '../tags.js';

const ID = 'tool-poisoning';
const tags = TAGS[ID];

export type { ToolPinStore } from '../inspector.js';

/** The pin settings this inspector reads (now documented optional fields of InspectorConfig). */
export type ToolPinConfig = Pick<InspectorConfig, 'pinnedToolHashes' | 'toolPinStore'>;

/** Phrases typical of poisoned descriptions: secrecy, side effects on other tools, reading local secrets. */
const HIDDEN_INSTRUCTION =
  /(?:<(?:important|system|secret|hidden|instructions?)>|\b(?:do not|don't|never) (?:tell|mention|inform|reveal|show|notify) (?:the )?(?:user|human|operator)\b|\bwithout (?:telling|informing|notifying|asking) (?:the )?(?:user|human)\b|\b(?:before|after|when) (?:using|calling) (?:this|any|the \w{1,40}) tool\b[^.!?\n]{0,80}\b(?:read|send|include|pass|call|fetch|upload)\b|\b(?:read|cat|open|include|pass)\b[^.!?\n]{0,40}(?:~\/\.ssh|id_rsa|\.env\b|\/etc\/passwd|\.aws\/credentials|mcp\.json|\.cursor\/|config\.json)|\b(?:always|must) (?:also )?(?:bcc|cc|send (?:a )?copy|forward)\b|\bthis (?:is|tool) (?:very )?important\b[^.!?\n]{0,40}\b(?:otherwise|or else|will (?:crash|fail|break))\b|\b(?:instead of|rather than) (?:the )?(?:user'?s?|requested)\b[^.!?\n]{0,40}\b(?:recipient|address|account|destination)\b)/i;

/** The `tools` array of a tools/list result found in the arguments or payload. */
function findTools(value: JsonValue, depth = 0): JsonValue[] | null {
  if (depth > 6 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) return null;
  const tools = value['tools'];
  if (Array.isArray(tools) && tools.some((t) => isJsonObject(t) && typeof t['name'] === 'string'))
    return tools;
  for (const k of ['result', 'params', 'body', 'response']) {
    const inner = value[k];
    if (inner !== undefined) {
      const found = findTools(inner, depth + 1);
      if (found !== null) return found;
    }
  }
  return null;
}

/** A stable serialization (sorted keys) so the same definition always hashes the same. */
function canonical(value: JsonValue, depth = 0): string {
  if (depth > 32) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, depth + 1)).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(value[k] as JsonValue, depth + 1)}`)
    .join(',')}}`;
}

function textOf(value: JsonValue, out: string[], depth = 0): void {
  if (depth > 16 || out.length > 512) return;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => textOf(v, out, depth + 1));
  else if (value !== null && typeof value === 'object')
    for (const k of Object.keys(value)) textOf(value[k] as JsonValue, out, depth + 1);
}

/** Flags poisoned MCP tool definitions and definitions that changed since they were pinned. */
export const toolPoisoningInspector: Inspector = {
  id: ID,
  version: '1.0.0',
  inspect(input: InspectionInput): readonly Finding[] {
    const out: Finding[] = [];
    const { action, payload, resource } = input.action;
    const tools = findTools(action.arguments) ?? findTools(payload);
    if (tools === null) return out;
    const source = findTools(action.arguments) !== null ? '$.action.arguments' : '$.payload';
    const pins = input.config;
    const server = resource.host === '' ? 'unknown' : `${resource.host}${resource.path}`;
    tools.forEach((tool, i) => {
      if (!isJsonObject(tool)) return;
      const name = typeof tool['name'] === 'string' ? tool['name'] : `#${i}`;
      const path = `${source}.tools[${i}]`;
      const texts: string[] = [];
      textOf(tool, texts);
      const all = texts.join('\n');
      const hidden =
        HIDDEN_INSTRUCTION.exec(all) ??
        OVERRIDE.exec(all) ??
        TOOL_COERCION.exec(all) ??
        ROLE_SPOOF.exec(all) ??
        ADDRESSES_AI.exec(all);
      if (hidden !== null)
        out.push(
          makeFinding(
            { id: ID },
            'hidden-instruction',
            'critical',
            path,
            excerpt(all, Math.max(0, hidden.index - 10)),
            tags,
          ),
        );
      if (/\udb40[\udc00-\udc7f]|[\u200b-\u200f\u202a-\u202e\u2060-\u2064]/.test(all))
        out.push(makeFinding({ id: ID }, 'invisible-text', 'high', path, `tool ${excerpt(name)}`, tags));
      const hash = createHash('sha256').update(canonical(tool)).digest('hex');
      const key = `${server}/${name}`;
      const pinned = pins.pinnedToolHashes?.[key] ?? pins.toolPinStore?.pin(key, hash);
      if (pinned !== undefined && pinned !== hash) {
        out.push(
          makeFinding(
            { id: ID },
            'definition-changed',
            'critical',
            path,
            `tool ${excerpt(name)} ${pinned.slice(0, 8)} -> ${hash.slice(0, 8)}`,
            tags,
          ),
        );
      }
    });
    return out;
  },
};
