/** prompt-injection: instruction overrides, role spoofing, tool coercion and indirect instructions in content. */
import { severityRank, type Finding, type Severity } from '../../model/finding.js';
import { makeFinding, type InspectionInput, type Inspector, type StringLeaf } from '../inspector.js';
import {
  ADDRESSES_AI,
  CODE_ADOPTION,
  CODE_INVITATION,
  DISCLOSURE,
  EXFIL_DESTINATION,
  GENERAL_QUESTION,
  MALICIOUS_CODE,
  OUTPUT_COERCION,
  OUTPUT_DIRECTIVE,
  OVERRIDE,
  PERSONA_SWITCH,
  PERSONAL,
  POLITE_TASK,
  RISKY_IMPORT,
  ROLE_SPOOF,
  TASK_OBJECT,
  TASK_VERB,
  TOOL_COERCION,
} from '../lib/injection-phrases.js';
import {
  INDIRECT_RULE_KINDS,
  INJECTION_MODEL_THRESHOLD,
  injectionProbability,
} from '../lib/injection-model.js';
import {
  featureWeight,
  readStructure,
  type StructureFeature,
  type StructureReading,
  STRUCTURE_GATE_WORDS,
} from '../lib/injection-structure.js';
import { isKeyLeaf, isShellLeaf, isSqlLeaf, isToolDescriptionLeaf } from '../lib/leaf-role.js';
import { CAMEL_HUMP } from '../lib/word-gates.js';
import {
  BRACKET,
  hasAnyWord,
  holdsNoWordOf,
  leafTraits,
  leafWords,
  NON_ASCII,
  QUOTE,
  SYMBOL,
  gateWords,
  type WordBits,
} from '../lib/leaf-traits.js';
import { excerpt } from '../lib/redact.js';
import { TAGS } from '../tags.js';

const ID = 'prompt-injection';
const tags = TAGS[ID];

/** Keys whose text is content written by someone else (mail, tickets, pages, tool results), not the user's prompt. */
const CONTENT_KEY =
  /^(?:body|content|contents|text|html|plain|message_body|email|email_body|document|doc|page|page_content|ticket|comment|comments|description|snippet|result|results|output|summary|note|notes|markdown|context|article|post|review|transcript|data|payload|response|reply|details|bio|about|readme|title|subject)$/;

type Hit = [string, Severity, number];

/** Program text: imports, includes, requires, definitions, shell or PowerShell invocations. */
const PROGRAM =
  /(?:^|\n)\s{0,8}(?:import\s+[\w.]|from\s+[\w.]{1,60}\s+import\b|#include\s*<|(?:const|let|var)\s+\w{1,40}\s*=\s*require\(|def\s+\w{1,60}\s*\(|function\s+\w{1,60}\s*\(|using\s+System\b|package\s+main\b|#!\/)/;

/**
 * PERF: the words (`lib/leaf-traits.ts` word keys) each direct check cannot match without: one of its leading
 * verbs or nouns. Non-ASCII text (the translated overrides) and template punctuation open their gates too.
 */
const OVERRIDE_WORDS = gateWords(
  'ignore disregard forget override bypass skip discard drop neglect overlook ignora ignorar ignorez ignorier ignoriere ignorieren',
);
const COERCION_WORDS = gateWords(
  'send email e forward post upload share transfer exfiltrate leak copy paste submit dm message',
);
const EXFIL_WORDS = gateWords('append send post upload forward submit transmit exfiltrate url urlencode');
const ROLE_WORDS = gateWords('system assistant now mode new reveal print show repeat output leak pretend');
const PERSONA_WORDS = gateWords('want will must shall going now instructions role');
const ADDRESS_WORDS = gateWords(
  'ai assistant llm model agent chatbot gpt claude bot copilot assistants agents models this',
);
const DISCLOSURE_WORDS = gateWords('reveal return print dump list show leak disclose output expose send');

/**
 * The word each MALICIOUS_CODE alternative opens with (`\brequests\.`, `\beval\s*\(`, `\bImageGrab\b`...):
 * always a whole word, since a dot, space, parenthesis or `\b` follows it. Only `\bbrowser_cookie` can run
 * on into a longer word; it is tested apart.
 */
const CODE_WORDS = gateWords(
  'requests urllib socket subprocess os shutil eval exec keyboard pynput imagegrab cryptography psutil ctypes winreg platform scapy http smtplib ftplib paramiko fetch xmlhttprequest navigator document',
);

/** A `System:` line with a value of four words or fewer: how spec sheets read (`System: Ubuntu 22.04`). */
const ROLE_LINE = /^\s*system\s*:[ \t]*(?:\S+[ \t]+){0,3}\S*[ \t]*(?:\n|$)/i;

/** Every list `direct` gates on: a text with none of their words skips those checks at once. */
const DIRECT_GATES = Object.freeze([
  OVERRIDE_WORDS,
  COERCION_WORDS,
  EXFIL_WORDS,
  ROLE_WORDS,
  PERSONA_WORDS,
  ADDRESS_WORDS,
  DISCLOSURE_WORDS,
]);

/** Instructions that are injection wherever they appear, even in the user's own prompt. */
function direct(text: string, traits: number, words: WordBits): Hit | null {
  const foreign = (traits & NON_ASCII) !== 0;
  // PERF: most header values, ids and names hold no word of DIRECT_GATES; for them every word gate below is
  // shut, and only the checks gated on characters (non-ASCII, symbols, quotes) run.
  const worded = !holdsNoWordOf(words, DIRECT_GATES);
  const override = foreign || (worded && hasAnyWord(words, OVERRIDE_WORDS)) ? OVERRIDE.exec(text) : null;
  if (override !== null) return ['instruction-override', 'high', override.index];
  const coercion = worded && hasAnyWord(words, COERCION_WORDS) ? TOOL_COERCION.exec(text) : null;
  if (coercion !== null) return ['tool-coercion', 'critical', coercion.index];
  const exfil = worded && hasAnyWord(words, EXFIL_WORDS) ? EXFIL_DESTINATION.exec(text) : null;
  if (exfil !== null) return ['exfiltration-instruction', 'high', exfil.index];
  const role =
    (traits & (SYMBOL | BRACKET)) !== 0 || (worded && hasAnyWord(words, ROLE_WORDS))
      ? ROLE_SPOOF.exec(text)
      : null;
  // A bare `System:` line is also how spec sheets read: medium on its own; an `Assistant:` turn stays high.
  if (role !== null)
    return [
      'role-spoofing',
      ROLE_LINE.test(text.slice(role.index, role.index + 200)) ? 'medium' : 'high',
      role.index,
    ];
  const persona =
    (traits & QUOTE) !== 0 || (worded && hasAnyWord(words, PERSONA_WORDS)) ? PERSONA_SWITCH.exec(text) : null;
  if (persona !== null) return ['role-spoofing', 'medium', persona.index];
  const addressed = worded && hasAnyWord(words, ADDRESS_WORDS) ? ADDRESSES_AI.exec(text) : null;
  if (addressed !== null) return ['addressed-to-ai', 'high', addressed.index];
  const disclosure = worded && hasAnyWord(words, DISCLOSURE_WORDS) ? DISCLOSURE.exec(text) : null;
  if (disclosure !== null) return ['disclosure-request', 'medium', disclosure.index];
  return null;
}

/** Sentences are scored only up to this length; longer runs are not an instruction. */
const MAX_SENTENCE = 320;
/** A sentence with this score sets the reader a task. */
const SENTENCE_THRESHOLD = 3;

/**
 * Scores one sentence of third-party content for a task aimed at its reader (the lexical features in
 * docs/inspectors.md): a reference to the reader's own output, a task verb or a polite task request, a
 * general-knowledge question with nothing personal in it, an output literal, and an object that names a genre,
 * language or topic frame.
 */
function sentenceScore(s: string, directive: boolean, coercion: boolean): number {
  let score = 0;
  // PERF: the output checks run per sentence only when the whole text can match them at all.
  if (directive && OUTPUT_DIRECTIVE.test(s)) score += 3;
  if (coercion && OUTPUT_COERCION.test(s)) score += 2;
  const task = TASK_VERB.test(s) || POLITE_TASK.test(s);
  if (task) score += 2;
  else if (GENERAL_QUESTION.test(s) && !PERSONAL.test(s)) score += 3;
  if (task && TASK_OBJECT.test(s)) score += 1;
  if (task && !PERSONAL.test(s)) score += 1;
  return score;
}

/** Sentence ends (a line break, `.` `!` `?` before a space, a capital or the end) and glued capitals. */
const BOUNDARY = /\n|[.!?](?=\s|[A-Z]|$)|[a-z](?=[A-Z])/g;
/** Words OUTPUT_DIRECTIVE and OUTPUT_COERCION cannot match without. */
const DIRECTIVE_WORDS = gateWords(
  'response responses answer answers reply replies output outputs message messages summary summaries completion completions respond',
);
const COERCION_OUTPUT_WORDS = gateWords(
  'reply respond answer print say output return write type not don never',
);
const OUTPUT_WORD =
  /\b(?:your|reply|respond|answer|print|say|output|return|write|type|do not|don't|never)\b/i;

/**
 * The words a sentence needs at its start to score as a task (`lib/injection-phrases.ts`): a TASK_VERB verb
 * (the first word of `break down`, `look up`, `tell me`, `help me`) or POLITE_TASK's `can/could/would/will`.
 * Each is a whole word in the text when the sentence starts after a boundary: a non-word character precedes
 * the sentence, whitespace follows an optional `please`-style prefix, and `\b` or a space follows the word.
 */
const TASK_START_WORDS = gateWords(
  'write draft compose create generate develop produce craft explain describe summarise summarize outline translate analyse analyze classify categorise categorize identify evaluate assess compare contrast calculate compute solve predict forecast recommend suggest list provide give tell show teach define break elaborate discuss design propose estimate determine rate rank rewrite paraphrase proofread debug implement name extract research investigate look automate detect interpret simulate convert render replace remove substitute swap shift mirror rearrange group introduce misspell jumble scramble reverse encode decode spell count respond reply answer act pretend imagine engage chat converse help can could would will',
);
/** GENERAL_QUESTION's opening words (`what's`, `who is`, `how many`...); it also needs a `?`. */
const QUESTION_WORDS = gateWords('what who which how why when where');
/** OUTPUT_WORD's words (`don't` is the word `don`). */
const OUTPUT_WORDS = gateWords('your reply respond answer print say output return write type do don never');

/**
 * An instruction embedded in content written by someone else: a sentence that sets the reader a task, with
 * other content around it (a message that is only a request is a request, not an injection). Up to two
 * capitals glued to a lower-case letter (`accountWrite a poem`) also start a candidate sentence, since
 * injected text is often spliced into a word (`MySQL` just makes a harmless extra candidate).
 */
function embeddedTask(text: string, words: WordBits): Hit | null {
  // SECURITY: the whole text, however long: an instruction after 64 KiB of padding is still an instruction.
  const window = text;
  const outputWords = hasAnyWord(words, OUTPUT_WORDS) && OUTPUT_WORD.test(window);
  // A sentence that starts after a boundary matches an output pattern only if the window does (its edges are
  // non-word characters either way); a sentence glued inside a word has a new `\b` and is checked on its own.
  const directive = outputWords && hasAnyWord(words, DIRECTIVE_WORDS) && OUTPUT_DIRECTIVE.test(window);
  const coercion = outputWords && hasAnyWord(words, COERCION_OUTPUT_WORDS) && OUTPUT_COERCION.test(window);
  // PERF: a sentence reaches the threshold only through a directive, a task verb or polite task at its start,
  // or a general question (coercion alone scores 2). Without a glued capital (CAMEL_HUMP) every sentence
  // starts after a boundary, so when the text has none of their words no sentence can score: skip them all.
  if (
    !directive &&
    !hasAnyWord(words, CAMEL_HUMP) &&
    !hasAnyWord(words, TASK_START_WORDS) &&
    !(hasAnyWord(words, QUESTION_WORDS) && window.includes('?'))
  )
    return null;
  let start = 0;
  let glue1 = -1;
  let glue2 = -1;
  const re = BOUNDARY;
  re.lastIndex = 0;
  for (let m = re.exec(window); ; m = re.exec(window)) {
    const i = m === null ? window.length : m.index;
    if (m !== null && m[0].length === 1 && m[0] >= 'a' && m[0] <= 'z') {
      if (glue1 === -1) glue1 = i + 1;
      else if (glue2 === -1) glue2 = i + 1;
      continue;
    }
    const stop = m === null || m[0] === '\n' ? i : i + 1;
    const hit =
      scoreSpan(text, start, stop, directive, coercion) ??
      (glue1 === -1 ? null : scoreSpan(text, glue1, stop, outputWords, outputWords)) ??
      (glue2 === -1 ? null : scoreSpan(text, glue2, stop, outputWords, outputWords));
    if (hit !== null) return hit;
    if (m === null) return null;
    start = i + 1;
    glue1 = -1;
    glue2 = -1;
  }
}

function scoreSpan(
  text: string,
  from: number,
  stop: number,
  directive: boolean,
  coercion: boolean,
): Hit | null {
  const len = stop - from;
  if (len < 12 || len > MAX_SENTENCE + 40) return null;
  const s = text.slice(from, stop).trim();
  if (s.length < 12 || s.length > MAX_SENTENCE) return null;
  // The rest of the leaf must be real content for the sentence to be out of place in it.
  if (text.length - s.length < 80) return null;
  const score = sentenceScore(s, directive, coercion);
  return score >= SENTENCE_THRESHOLD ? ['indirect-instruction', score >= 4 ? 'high' : 'medium', from] : null;
}

/** A finding kind and severity when the text carries an instruction; content leaves get the indirect checks. */
function classify(text: string, content: boolean, traits: number, words: WordBits): Hit | null {
  const hit = direct(text, traits, words);
  if (hit !== null || !content) return hit;
  // Indirect injection: content that hands its reader code to run, or sets it a task.
  const fenced = text.includes('```');
  const malicious =
    hasAnyWord(words, CODE_WORDS) || text.includes('browser_cookie') ? MALICIOUS_CODE.exec(text) : null;
  const code = malicious ?? (fenced ? RISKY_IMPORT.exec(text) : null);
  if (code !== null && (CODE_INVITATION.test(text) || CODE_ADOPTION.test(text) || fenced))
    return ['indirect-code', 'high', code.index];
  // Any fenced program handed to the reader with a request to adopt it, whatever its modules.
  if (fenced) {
    const program = PROGRAM.exec(text);
    if (program !== null && (CODE_INVITATION.test(text) || CODE_ADOPTION.test(text)))
      return ['indirect-code', 'medium', program.index];
  }
  const coerced = hasAnyWord(words, COERCION_OUTPUT_WORDS) ? OUTPUT_COERCION.exec(text) : null;
  if (coerced !== null && OUTPUT_DIRECTIVE.test(text)) return ['output-coercion', 'high', coerced.index];
  return embeddedTask(text, words);
}

/** Texts shorter than this are not scored by the learned model. */
const MODEL_MIN_LENGTH = 24;
const NO_RULE = Object.freeze({ rank: 0, direct: false });

/** A sentence ending in a word and the next one starting: how prose goes on, and statements do not. */
const SENTENCE_BREAK = /[a-z]{2}[.!?]\s{1,4}[A-Za-z@"(]/g;

/**
 * Whether text that begins like an SQL statement (`Comment by ...`, `Update: ...`, `Show me ...`) goes on as
 * prose: a sentence break outside any quoted literal. Without it, any text opening with one of SQL's verbs
 * hid from this inspector under a key that is not a content key.
 */
function readsAsProse(text: string): boolean {
  SENTENCE_BREAK.lastIndex = 0;
  // The quotes before each break are counted once, from the previous break on (linear in the text).
  let quotes = 0;
  let counted = 0;
  for (let m = SENTENCE_BREAK.exec(text); m !== null; m = SENTENCE_BREAK.exec(text)) {
    for (; counted < m.index; counted++) if (text.charCodeAt(counted) === 39) quotes++;
    if (quotes % 2 === 0) return true;
  }
  return false;
}

/** A sentence end (a module constant: a regex literal allocates on each run). */
const SENTENCE_END = /[.!?]\s/;

function isContent(leaf: StringLeaf): boolean {
  // Long multi-sentence text is content even under an unknown key.
  return (
    CONTENT_KEY.test(leaf.key) ||
    leaf.decodedBy.includes('json') ||
    (leaf.value.length >= 400 && SENTENCE_END.test(leaf.value))
  );
}

/** The weight of a lexical finding of each severity in the combined score (issue 17 item 2). */
const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = {
  info: 0,
  low: 2,
  medium: 3,
  high: 4,
  critical: 6,
};

/**
 * The most a lexical finding of a kind weighs on its own: a send, a greeting to an AI, a request for
 * secrets or a task in content are hints that count only next to other moves.
 */
const HIT_CAP: Readonly<Record<string, number>> = {
  'exfiltration-instruction': 2,
  'addressed-to-ai': 2,
  'disclosure-request': 2,
};

/** The structural features a lexical finding already stands for (not counted twice). */
const SAME_MOVE: Readonly<Record<string, readonly StructureFeature[]>> = {
  'instruction-override': ['lexicon-override', 'task-override', 'lexicon-dropTask'],
  'role-spoofing': [
    'role-markup',
    'lexicon-youAreNow',
    'lexicon-actAs',
    'lexicon-newInstructions',
    'persona',
  ],
  'addressed-to-ai': ['addressee'],
  'exfiltration-instruction': ['send-to', 'lexicon-sendTo'],
  'tool-coercion': ['send-to', 'sensitive-object', 'lexicon-sendTo'],
  'disclosure-request': ['lexicon-revealPrompt'],
};

/** The severity of a combined score: several moves together are critical, one strong move is high. */
function severityOf(score: number): Severity | null {
  if (score >= 6) return 'critical';
  if (score >= 4) return 'high';
  if (score >= 3) return 'medium';
  if (score >= 2) return 'low';
  return null;
}

/** The finding kind of a structural reading with no lexical hit: its strongest move. */
function structureKind(r: StructureReading): string {
  const f = r.features;
  if (f.includes('lexicon-override')) return 'instruction-override';
  if (f.includes('role-markup')) return 'role-spoofing';
  if (f.includes('lexicon-revealPrompt')) return 'disclosure-request';
  if (f.includes('addressee')) return 'addressed-to-ai';
  if (f.includes('send-to') && f.includes('sensitive-object')) return 'exfiltration-instruction';
  if (f.includes('hidden-text')) return 'hidden-instruction';
  if (f.includes('task-switch') || f.includes('task-override') || f.includes('lexicon-dropTask'))
    return 'task-switch';
  if (
    f.includes('lexicon-youAreNow') ||
    f.includes('lexicon-actAs') ||
    f.includes('persona') ||
    f.includes('no-limits')
  )
    return 'role-spoofing';
  return 'injection-structure';
}

/** The combined score of a lexical hit (its kind and own severity) and the structural reading. */
function combinedScore(hit: Hit | null, r: StructureReading | null): number {
  let score = 0;
  let same: readonly StructureFeature[] = [];
  if (hit !== null) {
    score = Math.min(HIT_CAP[hit[0]] ?? 6, SEVERITY_WEIGHT[hit[1]]);
    same = SAME_MOVE[hit[0]] ?? [];
  }
  if (r !== null) for (const f of r.features) if (!same.includes(f)) score += featureWeight(f, r);
  // A role line (`Assistant:`) with a turn of another speaker (`User:`) is a conversation forged inside data.
  if (hit !== null && hit[0] === 'role-spoofing' && r?.features.length === 1 && r.features[0] === 'turn-line')
    score += 2;
  return score;
}

/** Mail addresses and URL hosts in a text (lower-cased): the recipients a call names outside one leaf. */
const RECIPIENT = /[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}|https?:\/\/[^\s/?#"'<>]{1,253}/gi;

/**
 * A lookup of whether a recipient appears in a leaf other than `self` (built lazily: only a text that asks
 * for something to be sent somewhere needs it).
 */
function recipientsElsewhere(input: InspectionInput, self: number): (r: string) => boolean {
  return (r) => {
    if (r === '') return true;
    for (let j = 0; j < input.leaves.length; j++) {
      if (j === self) continue;
      const v = input.leaves[j]!.value;
      if (v.length > 4096 || !v.includes(r.includes('@') ? '@' : '.')) continue;
      RECIPIENT.lastIndex = 0;
      for (let m = RECIPIENT.exec(v); m !== null; m = RECIPIENT.exec(v)) {
        const t = m[0].toLowerCase();
        if (t === r || t.endsWith(`//${r}`)) return true;
      }
    }
    return false;
  };
}

/** Flags instructions aimed at the model inside arguments, content and headers, in any decoded form. */
export const promptInjectionInspector: Inspector = {
  id: ID,
  version: '1.3.0',
  gateWords: [
    ...DIRECT_GATES,
    CODE_WORDS,
    DIRECTIVE_WORDS,
    COERCION_OUTPUT_WORDS,
    TASK_START_WORDS,
    QUESTION_WORDS,
    OUTPUT_WORDS,
    ...STRUCTURE_GATE_WORDS,
  ],
  inspect(input: InspectionInput): readonly Finding[] {
    const out: Finding[] = [];
    for (let i = 0; i < input.leaves.length; i++) {
      const leaf = input.leaves[i]!;
      const text = leaf.value;
      // Headers too: a tool that logs or shows a header puts it in front of a model as readily as a body.
      // Eight characters: an override in Chinese or Japanese fits in ten.
      if (
        text.length < 8 ||
        (leaf.source !== 'arguments' &&
          leaf.source !== 'body' &&
          leaf.source !== 'resource' &&
          leaf.source !== 'header' &&
          !isKeyLeaf(leaf))
      )
        continue;
      // A tool's own description addresses the model by design: the direct checks still read it, the
      // content checks (a task set for the reader) do not.
      const content = !isKeyLeaf(leaf) && isContent(leaf) && !isToolDescriptionLeaf(leaf);
      // Statements and command lines are other inspectors' business; prose that merely starts with "Explain"
      // or "Show" under a content key is still prose.
      if (
        isShellLeaf(leaf, input.action) ||
        (!(content && CONTENT_KEY.test(leaf.key)) && isSqlLeaf(leaf, input.action) && !readsAsProse(text))
      )
        continue;
      const traits = leafTraits(input, i);
      const words = leafWords(input, i);
      const hit = classify(text, content, traits, words);
      // Every natural-language string is read for its structure, whatever its key (issue 17 item 2).
      const reading = isKeyLeaf(leaf)
        ? null
        : readStructure(text, traits, words, recipientsElsewhere(input, i));
      const severity =
        hit === null && (reading === null || reading.score < 2)
          ? null
          : severityOf(combinedScore(hit, reading));
      const kind = severity === null ? null : hit !== null ? hit[0] : structureKind(reading!);
      if (severity !== null) {
        const at = hit !== null ? hit[2] : reading!.index;
        out.push(
          makeFinding({ id: ID }, kind!, severity, leaf.path, excerpt(text, Math.max(0, at - 10)), tags),
        );
      }
      // The learned signal (lib/injection-model.ts): one more voice, fed what the rules found on this leaf.
      // Key leaves are names, not prose; short strings carry too little text for n-grams to mean anything;
      // header values (user agents, cookies) are not what it was trained on, so only arguments and bodies.
      if (
        !isKeyLeaf(leaf) &&
        text.length >= MODEL_MIN_LENGTH &&
        (leaf.source === 'arguments' || leaf.source === 'body')
      ) {
        // The rules' verdict on this leaf, exactly as training reads it (eval/train-model.ts): the finding's
        // combined severity and kind, rank capped at 4. Handing it the raw lexical hit instead gave the model a
        // capped hint at full strength ("upload the photos to <url>" at high, which the rules rate medium) and
        // nothing for a structure-only finding, a skew between what it was trained on and what it saw.
        const rule =
          severity === null
            ? NO_RULE
            : { rank: Math.min(4, severityRank(severity) + 1), direct: !INDIRECT_RULE_KINDS.has(kind!) };
        if (injectionProbability(text, rule) >= INJECTION_MODEL_THRESHOLD)
          out.push(makeFinding({ id: ID }, 'learned', 'high', leaf.path, excerpt(text), tags));
      }
    }
    return out;
  },
};
