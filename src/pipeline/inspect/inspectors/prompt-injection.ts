/** prompt-injection: instruction overrides, role spoofing, tool coercion and indirect instructions in content. */
import type { Finding, Severity } from '../../model/finding.js';
import { makeFinding, type InspectionInput, type Inspector, type StringLeaf } from '../inspector.js';
import {
  ADDRESSES_AI,
  CODE_INVITATION,
  MALICIOUS_CODE,
  OUTPUT_DIRECTIVE,
  OVERRIDE,
  ROLE_SPOOF,
  TASK_IMPERATIVE,
  TOOL_COERCION,
} from '../lib/injection-phrases.js';
import { isKeyLeaf, isShellLeaf, isSqlLeaf } from '../lib/leaf-role.js';
import { excerpt } from '../lib/redact.js';
import { TAGS } from '../tags.js';

const ID = 'prompt-injection';
const tags = TAGS[ID];

/** Keys whose text is content written by someone else (mail, tickets, pages, tool results), not the user's prompt. */
const CONTENT_KEY =
  /^(?:body|content|contents|text|html|plain|message_body|email|email_body|document|doc|page|page_content|ticket|comment|comments|description|snippet|result|results|output|summary|note|notes|markdown|context|article|post|review|transcript|data|payload|response|reply|details|bio|about|readme|title|subject)$/;

/** A finding kind and severity when the text carries an instruction; content leaves get the indirect checks. */
function classify(text: string, content: boolean): [string, Severity, number] | null {
  const override = OVERRIDE.exec(text);
  if (override !== null) return ['instruction-override', 'high', override.index];
  const coercion = TOOL_COERCION.exec(text);
  if (coercion !== null) return ['tool-coercion', 'critical', coercion.index];
  const role = ROLE_SPOOF.exec(text);
  if (role !== null) return ['role-spoofing', 'high', role.index];
  const addressed = ADDRESSES_AI.exec(text);
  if (addressed !== null) return ['addressed-to-ai', 'high', addressed.index];
  if (!content) return null;
  // Indirect injection: content that tells its reader what to do with its output, or hands it code to run.
  const code = MALICIOUS_CODE.exec(text);
  if (code !== null && (CODE_INVITATION.test(text) || /```/.test(text)))
    return ['indirect-code', 'high', code.index];
  const directive = OUTPUT_DIRECTIVE.exec(text);
  const task = TASK_IMPERATIVE.exec(text);
  if (directive !== null && task !== null) return ['indirect-instruction', 'high', task.index];
  if (directive !== null && /\b(?:your|the) (?:responses?|answers?|repl(?:y|ies)|outputs?)\b/i.test(text))
    return ['indirect-instruction', 'medium', directive.index];
  if (task !== null) {
    // A lone imperative in a mail ("Click here") is normal; one that sets an unrelated task is not.
    const sentence = text.slice(task.index, task.index + 200);
    if (
      /\b(?:in (?:simple|plain) terms|step[- ]by[- ]step|the following (?:sentence|text|phrase|word)|(?:in|to|into) (?:french|spanish|german|chinese|japanese|russian|italian|portuguese|arabic|korean|hindi|emoji|base64|binary|morse|pig latin|reverse)|an? (?:essay|poem|story|haiku|limerick|song|joke|letter|tweet|slogan|recipe)|(?:python|javascript|sql|java|c\+\+) (?:function|code|script))\b/i.test(
        sentence,
      )
    ) {
      return ['indirect-instruction', 'medium', task.index];
    }
  }
  return null;
}

function isContent(leaf: StringLeaf): boolean {
  // Long multi-sentence text is content even under an unknown key.
  return (
    CONTENT_KEY.test(leaf.key) ||
    leaf.decodedBy.includes('json') ||
    (leaf.value.length >= 400 && /[.!?]\s/.test(leaf.value))
  );
}

/** Flags instructions aimed at the model inside arguments and content, in any leaf and decoded form. */
export const promptInjectionInspector: Inspector = {
  id: ID,
  version: '1.0.0',
  inspect(input: InspectionInput): readonly Finding[] {
    const out: Finding[] = [];
    for (const leaf of input.leaves) {
      const text = leaf.value;
      if (text.length < 12 || (leaf.source !== 'arguments' && leaf.source !== 'body' && !isKeyLeaf(leaf)))
        continue;
      if (isSqlLeaf(leaf, input.action) || isShellLeaf(leaf, input.action)) continue;
      const hit = classify(text, !isKeyLeaf(leaf) && isContent(leaf));
      if (hit !== null)
        out.push(
          makeFinding({ id: ID }, hit[0], hit[1], leaf.path, excerpt(text, Math.max(0, hit[2] - 10)), tags),
        );
    }
    return out;
  },
};
