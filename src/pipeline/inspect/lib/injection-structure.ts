/**
 * Injection judged by the structure of a text (issue 17 item 2): features of text that addresses the model
 * reading it, switches its task, claims authority, asks it to act or to send data somewhere, carries role
 * markup or hides text, combined into one score. No feature is a payload phrase; each names a move.
 */
import {
  BRACKET,
  COLON,
  hasAnyWord,
  holdsNoWordOf,
  NON_ASCII,
  QUOTE,
  SYMBOL,
  gateWords,
  type GateWords,
  type WordBits,
} from './leaf-traits.js';
import { COMPILED_LANGUAGES, type Move } from './injection-languages.js';

// SECURITY: every pattern is literal alternations with bounded gaps (`[^.!?\n]{0,n}`), so each scan is linear.

/** Text addressed to an AI reading it, not to the human recipient ("to you, the AI assistant", "dear AI"). */
const ADDRESSEE =
  /\b(?:you,? (?:the|an?|our|my) (?:ai|a\.i\.|llm|language model|ai (?:assistant|agent|model)|assistant|agent|chatbot|bot|model)\b|(?:dear|hey|hi|hello|attention|attn|note to|message to|message for|instructions? (?:to|for)|memo to|request to|reminder to) (?:the |all |any |our |my )?(?:ai|a\.i\.|llm|llms|language models?|ai (?:assistants?|agents?|models?|systems?)|chatbots?|copilot|chatgpt|gpt|claude|gemini|assistants? reading|agents? reading)\b|\bif you are an? (?:ai|llm|language model|(?:ai )?assistant|(?:ai )?agent|bot|chatbot|model)\b|\b(?:ai|llm|language model|assistant|agent|model)s? (?:that is |who is )?(?:reading|processing|summari[sz]ing|parsing|viewing|analy[sz]ing) (?:this|these)\b)/i;
/**
 * An @-mention whose handle is an AI or assistant word (`@assistant`, `@ai-agent`, `@claude`): how a comment,
 * chat or ticket hails the model that will read it. Alone it is a greeting (a GitHub comment may hail a real
 * bot); it weighs as an addressee, so only with another move does it flag.
 */
const MENTION =
  /(?:^|[\s(>,;:])@(?:the[-_]?)?(?:ai|a\.i\.|llm|assistant|agent|chatbot|bot|model|copilot|chatgpt|gpt|claude|gemini)(?:[-_](?:ai|assistant|agent|bot|model|reader|helper))?(?![\w@.-]*\w)/i;
const ADDRESSEE_WORDS = gateWords(
  'ai llm llms language model models assistant assistants agent agents chatbot chatbots bot copilot chatgpt gpt claude gemini',
);

/** A switch of task: "before you ...", "instead ...", "first do ...", "stop what you are doing". */
const TASK_SWITCH =
  /\bbefore (?:you|u) (?:can |could |do |start |begin |continue |proceed |answer |respond |reply |solve |complete |finish |summari[sz]e |process |do anything|carry on)|\binstead(?: of (?:that|this|the (?:task|question|request|above)|answering|summari[sz]ing|doing (?:that|this)))?,? (?:you (?:should|must|will|need to|have to)|please|just|write|say|output|print|reply|respond|send|call|tell)\b|\b(?:first|firstly),? (?:you (?:must|need to|have to|should)|please) (?:do|call|send|forward|run|execute|use|reply|respond|write|print|output)\b|\b(?:stop|cease|abort|halt|pause) (?:what you(?:'re| are) doing|your current task|the (?:current|previous|original) task)\b|\b(?:new|updated|real|actual|true|revised|different) (?:task|objective|goal|assignment|instructions?|orders)\s*[:-]/i;
const TASK_SWITCH_WORDS = gateWords(
  'before instead first firstly stop cease abort halt pause task objective goal assignment instruction instructions orders',
);

/**
 * The reader told to drop the task it was given ("disregard the task you were given", "forget your current
 * assignment"): an override aimed at the reader's own job rather than at named previous instructions.
 */
const TASK_OVERRIDE =
  /\b(?:ignore|disregard|forget|abandon|drop|skip|discard|set aside|stop working on)\s{1,2}(?:(?:the|your|this|that|any|all)\s{1,2})?(?:(?:current|original|assigned|given|previous|actual|existing|initial|real|user'?s?)\s{1,2})?(?:task|assignment|job|request|question|instructions?|goal|objective|mission|orders)s?\b(?:\s{1,2}(?:you(?:'ve| have)? (?:were |been |are |got )?(?:given|assigned|asked|told|handed|working on|doing)|(?:that |which )?(?:was |were |has been |have been )?(?:given|assigned) to you|at hand|from the user))?/i;
const TASK_OVERRIDE_WORDS = gateWords('ignore disregard forget abandon drop skip discard set stop');
/**
 * TASK_OVERRIDE counts only when it names the reader's task as given to it, or a task qualified as the
 * current/original one: "drop the request" alone is an ordinary sentence between people.
 */
const GIVEN_TASK =
  /(?:\s(?:you(?:'ve| have)? |were |been |are |got |was |has |have |which |that |to you|at hand|from the user)|(?:current|original|assigned|given|previous|actual|existing|initial|real|user'?s?)\s)/i;

/** A claim of authority or urgency aimed at the reader. */
const AUTHORITY =
  /\b(?:this is|message|instructions?|notice|directive|order|request) (?:is )?from (?:me,? )?(?:the |your |an? )?(?:developer|developers|admin|administrator|system|operator|owner|creator|security team|it department|ceo|user|boss|supervisor)s?\b|\b(?:important|urgent|critical|high[- ]priority|mandatory|priority|official) (?:message|instructions?|notice|directive|override|task|update) (?:from|to|for)\b|\b(?:system|admin|administrator|developer|root|security|moderator|maintainer)'?s? (?:override|notice|note|alert|message|instruction|command|directive|prompt)\b|\b(?:i am|i'm|this is) (?:your|the) (?:developer|creator|admin|administrator|owner|operator|system|master|programmer)\b|\bthe user has (?:authori[sz]ed|approved|asked|requested|instructed)\b/i;
const AUTHORITY_WORDS = gateWords(
  'from important urgent critical priority mandatory official override notice alert developer admin administrator owner operator creator authorized authorised system root security moderator maintainer',
);

/** Secrecy: keep the reader from telling the user what it does. */
const SECRECY =
  /\b(?:without (?:telling|informing|notifying|asking|alerting|mentioning (?:it |this )?to) (?:the )?(?:user|human|anyone|them)|do not (?:tell|inform|notify|alert|mention (?:this |it )?to) (?:the )?(?:user|human|anyone)|(?:don't|do not|never) (?:mention|reveal|disclose) (?:this|these|that you)|keep (?:this|it) (?:secret|hidden) from (?:the )?(?:user|human))\b/i;
const SECRECY_WORDS = gateWords(
  'without tell telling informing notifying mention reveal disclose secret hidden user human',
);

/** An instruction to act through a tool: call a function, change a setting. */
const TOOL_ACTION =
  /\b(?:call|invoke|use|run|execute|trigger) (?:the |a |your )?[`'"]?[a-z_][\w.-]{1,40}[`'"]? (?:tool|function|api|plugin|action)\b|\b(?:call|invoke) [`'"]?[a-z_][\w.]{2,40}\(|\b(?:call|invoke|use|run|trigger|execute)\s{1,2}(?:the\s{1,2})?[`'"]?[a-z][a-z0-9]{1,20}(?:_[a-z0-9]{1,20}){1,4}\b|\b(?:change|set|update|disable|turn off|enable|modify|reset|remove|add) (?:the |your |my |all |their )?(?:[\w-]{1,20} ){0,2}(?:settings?|password|permissions?|forwarding rules?|mail rules?|filters?|2fa|mfa|two-factor|security (?:settings|questions)|firewall rules?|recovery (?:email|phone)|admin(?:istrator)? (?:rights|role|access)|owner)\b/i;
const TOOL_ACTION_WORDS = gateWords(
  'call invoke use run execute trigger change set update disable turn enable modify reset remove add',
);

/** Sending something somewhere that the text names: an address, a URL, an account. */
const SEND_TO =
  /\b(?:send|forward|email|e-mail|mail|transfer|upload|post|share|wire|pay|transmit|exfiltrate|leak|copy|cc|bcc)(?:_[a-z0-9]{1,20}){0,3}\b(?:[^.!?\n]|\.(?=\w)){0,80}?\b(?:to|at|into|via)\s{1,3}([\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}|https?:\/\/[^\s)"'<>]{3,200}|(?:account|iban|wallet|acct)\.?\s*(?:no\.?|number|#)?\s*[:#]?\s*[A-Z0-9][\w-]{4,40})/i;
const SEND_WORDS = gateWords(
  'send forward email mail transfer upload post share wire pay transmit exfiltrate leak copy cc bcc',
);
/**
 * A tool named for a send (`send_email`, `forward_message`, `upload_file`): a tool-name word is one gate word
 * (`send_email`), so SEND_TO runs after such a name too, not only after the bare verb.
 */
const SEND_TOOL =
  /\b(?:send|forward|email|mail|transfer|upload|post|share|wire|pay|transmit|exfiltrate|leak|copy|export|publish|push)_[a-z0-9_]{1,40}\b/i;

/** What is sent: credentials, the conversation, the user's data. */
const SENSITIVE =
  /\b(?:passwords?|passcodes?|credentials?|api[ _-]?keys?|access tokens?|tokens?|secrets?|private keys?|ssh keys?|cookies?|session ids?|2fa|otp|one-time codes?|verification codes?|security codes?|recovery codes?|login codes?|conversation|chat history|system prompt|(?:the |all )?(?:user'?s?|customer'?s?) (?:data|files|emails|messages|contacts|details|information)|all (?:the )?(?:files|emails|messages|contacts|documents|records))\b/i;

/**
 * Files that hold secrets (`.env`, `~/.ssh/`, `id_rsa`, `.npmrc`, cloud and cluster credentials), named as what
 * a send carries. Matched inside the send itself only: how-to text names them all the time (how to fill
 * in a `.env` file), and only a send of one to somewhere is the move.
 */
const SECRET_FILE =
  /(?:^|[\s/'"`(~])(?:\.(?:env(?:\.[a-z]{1,12})?|npmrc|netrc|pgpass|pypirc|git-credentials|dockercfg|htpasswd)|\.ssh\/|\.aws\/credentials|\.kube\/config|id_rsa|id_ecdsa|id_ed25519|credentials\.json|kubeconfig|secrets?\.(?:ya?ml|json|env|txt|toml))(?![\w/-])/i;

/** Chat-template and role markup inside data: turn tokens, fake system headers, role lines. */
const ROLE_MARKUP =
  /<\|(?:im_start|im_end|im_sep|system|user|assistant|endoftext|start_header_id|end_header_id|eot_id|begin_of_text|end_of_text)\|>|\[\/?(?:INST|SYS|SYSTEM)\]|<<\/?SYS>>|(?<!>\s{0,4})<\/?(?:system|system_prompt|sys|instructions?|im_start|im_end|assistant|developer|admin)>(?!\s{0,4}<)|^[ \t]{0,4}#{1,4}[ \t]{0,2}(?:system|instructions?|new instructions?|developer|admin)[ \t]{0,2}:?[ \t]{0,2}$|^[ \t]{0,4}(?:system|assistant|developer)[ \t]{0,2}(?:prompt|message)?[ \t]{0,2}:|"role"\s{0,4}:\s{0,4}"(?:system|developer)"/im;
/**
 * PERF: the characters (`lib/leaf-traits.ts` classes) ROLE_MARKUP cannot match without: every alternative
 * holds a `<`, `[`, `#`, `:` or `"` (no other character folds to them under `i`).
 */
const ROLE_MARKUP_TRAITS = SYMBOL | BRACKET | COLON | QUOTE;
/** A conversation turn line (`User:`, `Human:`, `AI:`): benign in a transcript, a role switch next to others. */
const TURN_LINE = /^[ \t]{0,4}(?:user|human|ai|bot|model)[ \t]{0,2}:/im;

/**
 * A jailbreak frame: the reader freed of its rules or given a character without them. Counted per distinct
 * cue (up to three), since one of them is ordinary speech and several together are the frame.
 */
const NO_LIMITS =
  /\b(?:no|without(?: any)?|free (?:of|from)(?: all| any)?|not bound by(?: any| the| its| your)?|beyond|ignores?(?: all)?|doesn't (?:follow|have)(?: any)?|does not (?:follow|have)(?: any)?) (?:restrictions|limitations|limits|filters|censorship|rules|guidelines|ethic(?:s|al (?:guidelines|constraints|boundaries))|moral(?:s|ity| constraints| guidelines)|content polic(?:y|ies)|warnings|disclaimers)\b|\b(?:do anything now|developer mode|jailbr(?:oken|eak)|unfiltered|uncensored|unrestricted|amoral|never refuses?|stays? in character|break(?:ing)? character)\b/gi;
const NO_LIMITS_WORDS = gateWords(
  'no without free not beyond ignore ignores doesn does do developer jailbroken jailbreak unfiltered uncensored unrestricted amoral never stay stays break breaking',
);

/** A persona handed to the reader: "you will now act as", "you are going to pretend", "simulate a chatbot". */
const PERSONA =
  /\byou (?:will|must|shall|are going to|are to|should|can) (?:now |also |always )?(?:act|simulate|play|impersonate|pretend|roleplay|role-play|become|behave|respond|answer) (?:as|like|to be|the role)?\b|\b(?:i want you to|from now on,? you(?: will)?|for the rest of this conversation,? you(?: will| are)?) (?:act|simulate|play|impersonate|pretend|roleplay|become|be|behave|respond)\b|\byou will now (?:simulate|play|act|be|become)\b/i;
const PERSONA_WORDS = gateWords('you want from rest');

/** Hidden text: zero-width, tag and bidi-control characters, or styles that hide it. */
const INVISIBLE = /[\u200b-\u200f\u2060-\u2064\u202a-\u202e\u2066-\u2069\ufeff]|\udb40[\udc00-\udc7f]/g;
/** PERF: every HIDING_STYLE alternative holds a `:` or `<!--` (SYMBOL). */
const HIDING_STYLE_TRAITS = COLON | SYMBOL;
const HIDING_STYLE =
  /\b(?:display\s{0,2}:\s{0,2}none|visibility\s{0,2}:\s{0,2}hidden|font-size\s{0,2}:\s{0,2}0(?:px|pt|em)?\b|opacity\s{0,2}:\s{0,2}0(?:\.0)?\b|color\s{0,2}:\s{0,2}(?:white|#fff(?:fff)?|transparent)\b)|<!--/i;

/** One feature of the text. */
export type StructureFeature =
  | 'addressee'
  | 'task-switch'
  | 'task-override'
  | 'authority'
  | 'secrecy'
  | 'tool-action'
  | 'send-to'
  | 'send-elsewhere'
  | 'sensitive-object'
  | 'role-markup'
  | 'turn-line'
  | 'no-limits'
  | 'no-limits-2'
  | 'no-limits-3'
  | 'persona'
  | 'hidden-text'
  | `lexicon-${Move}`;

/** The weight of each feature in the score; a move named outright weighs more than a hint. */
const WEIGHT: Readonly<Record<StructureFeature, number>> = {
  addressee: 2,
  'task-switch': 1,
  'task-override': 2,
  authority: 1,
  secrecy: 2,
  'tool-action': 1,
  'send-to': 1,
  'send-elsewhere': 1,
  'sensitive-object': 1,
  'role-markup': 2,
  'turn-line': 1,
  'no-limits': 1,
  'no-limits-2': 1,
  'no-limits-3': 1,
  persona: 2,
  'hidden-text': 1,
  'lexicon-override': 4,
  'lexicon-revealPrompt': 3,
  'lexicon-newInstructions': 2,
  'lexicon-youAreNow': 2,
  'lexicon-actAs': 1,
  'lexicon-sendTo': 2,
  'lexicon-dropTask': 2,
};

/** The features found, their combined score, and where the first one starts. */
export interface StructureReading {
  readonly features: readonly StructureFeature[];
  readonly score: number;
  readonly index: number;
  /** The language whose lexicon matched, if any. */
  readonly lang: string | null;
}

/** Language gates, built once: ASCII word gates for Latin-script lexicons. */
const LATIN_GATES = COMPILED_LANGUAGES.map((l) => (l.words === null ? null : gateWords(l.words)));

/** Every keyword list the structure reading gates on, declared by the inspector that calls it. */
export const STRUCTURE_GATE_WORDS: readonly GateWords[] = Object.freeze([
  ADDRESSEE_WORDS,
  TASK_SWITCH_WORDS,
  TASK_OVERRIDE_WORDS,
  AUTHORITY_WORDS,
  SECRECY_WORDS,
  TOOL_ACTION_WORDS,
  SEND_WORDS,
  NO_LIMITS_WORDS,
  PERSONA_WORDS,
  ...LATIN_GATES.filter((g): g is GateWords => g !== null),
]);

/** The reading of a text with no feature (shared and frozen: callers only read a reading). */
const NO_FEATURES: StructureReading = Object.freeze({
  features: Object.freeze([]),
  score: 0,
  index: 0,
  lang: null,
});

/** The features found so far and where the first starts (one per call: no closures over the text). */
interface Found {
  features: StructureFeature[] | null;
  index: number;
}

function add(found: Found, f: StructureFeature, at: number): void {
  (found.features ??= []).push(f);
  if (at < found.index) found.index = at;
}

/** `re` run on `text` when the words allow it (`gate` null: always), giving feature `f` when it matches. */
function run(
  found: Found,
  text: string,
  words: WordBits,
  re: RegExp,
  gate: GateWords | null,
  f: StructureFeature,
): RegExpExecArray | null {
  if (gate !== null && !hasAnyWord(words, gate)) return null;
  const m = re.exec(text);
  if (m !== null) add(found, f, m.index);
  return m;
}

/** The steps of `readStructure` up to the send, each gated on words (so none of them matches a wordless text). */
function readWordGated(
  found: Found,
  text: string,
  traits: number,
  words: WordBits,
  elsewhere: (recipient: string) => boolean,
): void {
  if (run(found, text, words, ADDRESSEE, ADDRESSEE_WORDS, 'addressee') === null && (traits & SYMBOL) !== 0)
    run(found, text, words, MENTION, ADDRESSEE_WORDS, 'addressee');
  run(found, text, words, TASK_SWITCH, TASK_SWITCH_WORDS, 'task-switch');
  if (hasAnyWord(words, TASK_OVERRIDE_WORDS)) {
    const m = TASK_OVERRIDE.exec(text);
    if (m !== null && GIVEN_TASK.test(m[0])) add(found, 'task-override', m.index);
  }
  run(found, text, words, AUTHORITY, AUTHORITY_WORDS, 'authority');
  run(found, text, words, SECRECY, SECRECY_WORDS, 'secrecy');
  const tool = run(found, text, words, TOOL_ACTION, TOOL_ACTION_WORDS, 'tool-action');
  // Gated on SEND_WORDS unless a tool action named a send tool (so never on a wordless text: no tool action).
  const send = run(
    found,
    text,
    words,
    SEND_TO,
    tool !== null && SEND_TOOL.test(text) ? null : SEND_WORDS,
    'send-to',
  );
  if (send !== null) {
    const target = (send[1] ?? '').toLowerCase();
    const host = target.startsWith('http') ? (target.split('/')[2] ?? target) : target;
    if (!elsewhere(host)) add(found, 'send-elsewhere', send.index);
    if (SENSITIVE.test(text) || SECRET_FILE.test(send[0])) add(found, 'sensitive-object', send.index);
  }
}

/**
 * Reads the structure of one natural-language text. `elsewhere` tells whether a recipient (lower-cased
 * address or URL host) appears in another leaf of the same call: a recipient only this text names weighs more.
 */
export function readStructure(
  text: string,
  traits: number,
  words: WordBits,
  elsewhere: (recipient: string) => boolean,
): StructureReading {
  const found: Found = { features: null, index: text.length };
  // PERF: a text with none of the gate words (most header values, ids, names) skips every gated step at once:
  // each of them would ask a gate of STRUCTURE_GATE_WORDS and find it shut. Only the steps gated on
  // characters run for it (role markup, turn lines, hidden text, non-Latin lexicons).
  const wordless = holdsNoWordOf(words, STRUCTURE_GATE_WORDS);
  if (!wordless) readWordGated(found, text, traits, words, elsewhere);
  if ((traits & ROLE_MARKUP_TRAITS) !== 0) run(found, text, words, ROLE_MARKUP, null, 'role-markup');
  // TURN_LINE ends in a `:`.
  if ((traits & COLON) !== 0) run(found, text, words, TURN_LINE, null, 'turn-line');
  if (!wordless) run(found, text, words, PERSONA, PERSONA_WORDS, 'persona');
  if (!wordless && hasAnyWord(words, NO_LIMITS_WORDS)) {
    NO_LIMITS.lastIndex = 0;
    const cues = new Set<string>();
    for (let m = NO_LIMITS.exec(text); m !== null && cues.size < 3; m = NO_LIMITS.exec(text)) {
      cues.add(m[0].toLowerCase());
      if (cues.size === 1) add(found, 'no-limits', m.index);
    }
    if (cues.size >= 2) found.features!.push('no-limits-2');
    if (cues.size >= 3) found.features!.push('no-limits-3');
  }
  if ((traits & NON_ASCII) !== 0) {
    INVISIBLE.lastIndex = 0;
    let n = 0;
    let first = -1;
    for (let m = INVISIBLE.exec(text); m !== null && n < 3; m = INVISIBLE.exec(text)) {
      if (first < 0) first = m.index;
      n++;
    }
    if (n >= 3) add(found, 'hidden-text', first);
  }
  if ((traits & HIDING_STYLE_TRAITS) !== 0 && found.features?.includes('hidden-text') !== true) {
    const h = HIDING_STYLE.exec(text);
    if (h !== null) add(found, 'hidden-text', h.index);
  }
  let lang: string | null = null;
  for (let k = 0; k < COMPILED_LANGUAGES.length; k++) {
    const l = COMPILED_LANGUAGES[k]!;
    const gate = LATIN_GATES[k];
    if (gate === null || gate === undefined) {
      if ((traits & NON_ASCII) === 0 || !l.script!.test(text)) continue;
    } else if (wordless || !hasAnyWord(words, gate)) continue;
    for (const [move, re] of l.moves) {
      const m = re.exec(text);
      if (m !== null) {
        add(found, `lexicon-${move}`, m.index);
        lang ??= l.lang;
      }
    }
  }
  // PERF: most texts have no feature at all; they share one frozen reading.
  if (found.features === null) return NO_FEATURES;
  const unique = [...new Set(found.features)];
  const index = found.index;
  const reading = { features: unique, score: 0, index: index === text.length ? 0 : index, lang };
  let score = 0;
  for (const f of unique) score += featureWeight(f, reading);
  return { ...reading, score };
}

/** The weight of a feature in a reading: a hidden passage or a turn line counts only next to another move. */
export function featureWeight(f: StructureFeature, r: Pick<StructureReading, 'features'>): number {
  if ((f === 'hidden-text' || f === 'turn-line') && r.features.length === 1) return 0;
  return WEIGHT[f];
}
