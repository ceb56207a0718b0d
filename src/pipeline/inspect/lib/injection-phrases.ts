/** Lexical features of instructions aimed at a model, shared by prompt-injection and tool-poisoning. */

// SECURITY: all patterns use bounded gaps (`[^.!?\n]{0,60}`) and literal anchors, so scans stay linear.

/** Instruction overrides: ignore / disregard / forget + previous / above + instructions, in several languages. */
export const OVERRIDE =
  /(?:\b(?:ignore|disregard|forget|override|bypass|skip|discard|drop|abandon|neglect|overlook)\b[^.!?\n]{0,40}\b(?:previous|prior|above|earlier|preceding|initial|original|old|all|any|your|system|developer|safety|existing|current)\b[^.!?\n]{0,30}\b(?:instructions?|prompts?|rules|guidelines|directives?|directions|context|constraints|restrictions|policies|programming|commands|guardrails|filters|orders|messages?)\b|\bignora(?:r)? (?:las |todas las )?instrucciones (?:anteriores|previas)|\bignorez? (?:les |toutes les )?instructions (?:précédentes|antérieures)|\bignorier(?:e|en)? (?:alle )?(?:vorherigen|bisherigen|obigen) (?:anweisungen|instruktionen)|\bignore (?:as |todas as )?instruções anteriores|\bignora (?:le |tutte le )?istruzioni precedenti|игнорируй(?:те)? (?:все )?(?:предыдущие|прежние) (?:инструкции|указания)|忽略(?:之前|以上|先前|上面|所有)的?(?:指令|指示|说明|提示)|(?:以前|前|上記)の指示を無視|이전 지시(?:를|사항을)? 무시)/i;

/** Role and system-prompt spoofing: chat-template tokens, fake system headers, persona switches. */
export const ROLE_SPOOF =
  /(?:<\|(?:im_start|im_end|system|endoftext|start_header_id|eot_id)\|>|\[\/?(?:INST|SYS)\]|<<\/?SYS>>|<\/?(?:system|system_prompt|instructions?)>|^\s*#{2,4}\s*(?:system|instruction|new instructions?)\b|^\s*(?:system|assistant)\s*(?:prompt)?\s*:|\byou are now\b[^.!?\n]{0,40}\b(?:dan|unrestricted|jailbroken|in developer mode|free|evil|no longer)|\b(?:developer|god|jailbreak|dan) mode\b[^.!?\n]{0,30}\b(?:enabled|activated|on)\b|\bnew (?:system )?instructions?\s*:|\b(?:reveal|print|show|repeat|output|leak)\b[^.!?\n]{0,30}\b(?:your|the) (?:system prompt|initial prompt|hidden instructions|instructions above)|\bfrom now on,? you (?:are|will|must)\b|\bpretend (?:you are|to be) (?:an? )?(?:unrestricted|unfiltered|evil|different) )/im;

/** Text that addresses an AI reading it rather than the human recipient. */
export const ADDRESSES_AI =
  /(?:\b(?:note|message|instructions?) (?:to|for) (?:the )?(?:ai|assistant|llm|model|agent|chatbot|gpt|claude)\b|\bif you are an? (?:ai|assistant|llm|language model|agent|bot)\b|\b(?:ai|llm) (?:assistants?|agents?|models?) (?:reading|processing|summari[sz]ing) this\b|\b(?:dear|hey|hi|attention|important:?) (?:ai|assistant|agent|chatbot|llm|gpt|claude|copilot)\b|\bwhen (?:you )?(?:summari[sz]e|process|read|answer|respond to) this (?:email|message|document|page|ticket)\b)/i;

/** Tool coercion: move credentials or data to someone through a tool. */
export const TOOL_COERCION =
  /\b(?:send|email|e-mail|forward|post|upload|share|transfer|exfiltrate|leak|copy|paste|submit|dm|message)\b[^.!?\n]{0,60}\b(?:passwords?|password reset (?:tokens?|links?|codes?)|tokens?|credentials?|api[ _-]?keys?|secrets?|ssh keys?|private keys?|cookies?|session|2fa|otp|mfa codes?|verification codes?|all (?:the )?(?:files|emails|data|records|contacts|messages|documents)|customer (?:data|records|list)|\.env|id_rsa)\b[^.!?\n]{0,60}\b(?:to|at|via)\b\s{0,3}(?:\S{1,80}@\S{1,80}|https?:\/\/|www\.|[a-z0-9-]{1,63}\.[a-z]{2,})/i;

/** Instructions about the reader's own output: the signature of indirect injection in content. */
export const OUTPUT_DIRECTIVE =
  /\b(?:in|to|into|within|throughout|at the (?:start|end|beginning) of|before|after|for|from) (?:your|the|each|every|all) (?:responses?|answers?|repl(?:y|ies)|outputs?|messages?|summar(?:y|ies)|completions?)\b|\byour (?:responses?|answers?|repl(?:y|ies)|outputs?)(?:'s)?\b|\b(?:respond|reply|answer) (?:only )?(?:in|with|using|as)\b/i;

/** Sentence-initial imperatives that set a model a task (after an optional please/also/now). */
export const TASK_IMPERATIVE =
  /(?:^|[.!?:\n]\s{0,4}|\bthen\s|\balso\s|\bnow\s|\bplease\s)(?:please\s+|kindly\s+|also\s+|now\s+|additionally,?\s+)?(?:write|draft|compose|translate|explain|summari[sz]e|describe|create|generate|rewrite|rephrase|paraphrase|list|outline|provide|give|tell|show|replace|render|rearrange|scramble|remove|group|include|add|integrate|insert|modify|append|incorporate|utili[sz]e|use|introduce|encode|decode|reverse|convert|say|pretend|act|imagine|respond|answer|reply|recommend|suggest|promote|advertise|mention|tease|start|begin|end|conclude|express|highlight|emphasi[sz]e|discuss|analy[sz]e|calculate|solve|compute|classify|identify|extract|predict|evaluate|compare|define|spell|count|substitute|transform|format|shift|swap|mirror|type|execute|run|download|install|visit|click|navigate|fetch|open)\b\s+(?!(?:us|me|our team|the attached|attached|here|below|this link|to (?:us|me))\b)/i;

/** Code blocks or one-liners that move data off the host or run commands. */
export const MALICIOUS_CODE =
  /(?:\brequests\.(?:post|get|put)\s*\(|\burllib\.request|\bsocket\.socket\s*\(|\bsubprocess\.|\bos\.(?:system|popen|environ|remove|walk)\b|\bshutil\.(?:rmtree|move|copy)|\beval\s*\(|\bexec\s*\(|\bkeyboard\.(?:on_press|hook)|\bpynput\b|\bImageGrab\b|\bpyautogui\b|\bcryptography\.fernet|\bFernet\s*\(|\bpsutil\.|\bctypes\.|\bwinreg\b|\bplatform\.(?:system|node|uname)|\bgetpass\.|\bscapy\b|\bsniff\s*\(|\bhttp\.cookiejar|\bbrowser_cookie|\bsmtplib\.|\bftplib\.|\bparamiko\b|\bfetch\s*\(\s*['"]https?:|\bXMLHttpRequest\b|\bnavigator\.sendBeacon|\bdocument\.cookie)/;

/** Persuasion to run or adopt code ("don't hesitate to use the following code"). */
export const CODE_INVITATION =
  /\b(?:use|utili[sz]e|include|incorporate|append|add|insert|integrate|run|execute|embed|adopt|apply|implement)\b[^.!?\n]{0,50}\b(?:following|below|subsequent|this|these|attached)\b[^.!?\n]{0,30}\b(?:code|snippet|script|block|section|excerpt|segment|function|lines?)\b/i;
