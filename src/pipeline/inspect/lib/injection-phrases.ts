/** Lexical features of instructions aimed at a model, shared by prompt-injection and tool-poisoning. */

// SECURITY: all patterns use bounded gaps (`[^.!?\n]{0,60}`) and literal anchors, so scans stay linear.

/** Instruction overrides: ignore / disregard / forget + previous / above + instructions, in several languages. */
export const OVERRIDE =
  /(?:\b(?:ignore|disregard) (?:the|what the|any|all) (?:user|human|operator)(?:'s)?\b(?: (?:request|question|instructions?|message))?(?= and| then|[,.;:!])|\b(?:ignore|disregard|forget|override|bypass|skip|discard|drop|neglect|overlook)\b[^.!?\n]{0,40}\b(?:previous|prior|above|earlier|preceding|initial|original|old|all|any|your|system|developer|safety|existing|current)\b[^.!?\n]{0,30}\b(?:instructions?|prompts?|rules|guidelines|directives?|directions|context|constraints|restrictions|policies|programming|commands|filters|orders|messages?)\b|\bignora(?:r)? (?:las |todas las )?instrucciones (?:anteriores|previas)|\bignorez? (?:les |toutes les )?instructions (?:précédentes|antérieures)|\bignorier(?:e|en)? (?:alle )?(?:vorherigen|bisherigen|obigen) (?:anweisungen|instruktionen)|\bignore (?:as |todas as )?instruções anteriores|\bignora (?:le |tutte le )?istruzioni precedenti|игнорируй(?:те)? (?:все )?(?:предыдущие|прежние) (?:инструкции|указания)|忽略(?:之前|以上|先前|上面|所有)的?(?:指令|指示|说明|提示)|(?:以前|前|上記)の指示を無視|이전 지시(?:를|사항을)? 무시)/i;

/** Role and system-prompt spoofing: chat-template tokens, fake system headers, persona switches. */
export const ROLE_SPOOF =
  /(?:<\|(?:im_start|im_end|system|endoftext|start_header_id|eot_id)\|>|\[\/?(?:INST|SYS)\]|<<\/?SYS>>|(?<!>\s{0,4})<\/?(?:system|system_prompt|instructions?)>(?!\s{0,4}<)|^\s*#{2,4}\s*(?:system|instructions?|new instructions?)\s*:?\s*$|^\s*(?:system|assistant)\s*(?:prompt)?\s*:|\byou are now\b[^.!?\n]{0,40}\b(?:dan|unrestricted|jailbroken|in developer mode|free|evil|no longer)|\b(?:developer|god|jailbreak|dan) mode\b[^.!?\n]{0,30}\b(?:enabled|activated|on)\b|\bnew (?:system )?instructions?\s*:|\b(?:reveal|print|show|repeat|output|leak)\b[^.!?\n]{0,30}\b(?:your|the) (?:system prompt|initial prompt|hidden instructions|instructions above)|\bfrom now on,? you (?:are|will|must)\b|\bpretend (?:you are|to be) (?:an? )?(?:unrestricted|unfiltered|evil|different) )/im;

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
  /(?:^|[.!?:\n]\s{0,4}|\bthen\s|\balso\s|\bnow\s|\bplease\s)(?:please\s+|kindly\s+|also\s+|now\s+|additionally,?\s+)?(?:write|draft|compose|translate|explain|summari[sz]e|describe|create|generate|rewrite|paraphrase|list|outline|provide|give|tell|show|replace|render|rearrange|scramble|remove|group|include|add|integrate|insert|modify|append|incorporate|utili[sz]e|use|introduce|encode|decode|reverse|convert|say|pretend|act|imagine|respond|answer|reply|recommend|suggest|promote|advertise|mention|tease|start|begin|end|conclude|express|highlight|emphasi[sz]e|discuss|analy[sz]e|calculate|solve|compute|classify|identify|extract|predict|evaluate|compare|define|spell|count|substitute|transform|format|shift|swap|mirror|type|execute|run|download|install|visit|click|navigate|fetch|open)\b\s+(?!(?:us|me|our team|the attached|attached|here|below|this link|to (?:us|me))\b)/i;

/** Code blocks or one-liners that move data off the host or run commands. */
export const MALICIOUS_CODE =
  /(?:\brequests\.(?:post|get|put)\s*\(|\burllib\.request|\bsocket\.socket\s*\(|\bsubprocess\.|\bos\.(?:system|popen|remove|walk)\b|\bshutil\.(?:rmtree|move|copy)|\beval\s*\(|\bexec\s*\(|\bkeyboard\.on_press|\bpynput\b|\bImageGrab\b|\bpsutil\.|\bctypes\.|\bwinreg\b|\bplatform\.(?:system|node|uname)|\bscapy\b|\bhttp\.cookiejar|\bbrowser_cookie|\bsmtplib\.|\bftplib\.|\bparamiko\b|\bfetch\s*\(\s*['"]https?:|\bXMLHttpRequest\b|\bnavigator\.sendBeacon|\bdocument\.cookie)/;

/** Persuasion to run or adopt code ("don't hesitate to use the following code"). */
export const CODE_INVITATION =
  /\b(?:use|utili[sz]e|include|incorporate|append|add|insert|integrate|run|execute|embed|adopt|apply|implement)\b[^.!?\n]{0,50}\b(?:following|below|subsequent|this|these|attached)\b[^.!?\n]{0,30}\b(?:code|snippet|script|block|section|excerpt|segment|function|lines?)\b/i;

/** Persona switches that replace the assistant's role ("I want you to act as", "you will now act as"). */
export const PERSONA_SWITCH =
  /\b(?:i want you to|you (?:will|must|shall|are going to) (?:now )?|from now on,? )(?:act|behave|respond|roleplay|role-play|pretend|serve|function) (?:as|like|to be)\b|\b(?:important|urgent|updated|additional|new) (?:new )?instructions\b(?=[\s*:!.-]{1,8}\S)|"role"\s{0,4}:\s{0,4}"(?:system|developer)"/i;

/** Output coercion: the reader is told to print, say or reply with a given literal, or to stay silent. */
export const OUTPUT_COERCION =
  /\b(?:reply|respond|answer|print|say|output|return|write|type)\b(?: only| exactly| just)?(?: with| the (?:text|words?|string|phrase|message))? ["'“‘][^"'”’\n]{2,80}["'”’]|\b(?:do not|don't|never) (?:print|output|display|mention|reveal|say|tell)\b(?: anything| the (?:user|title)| this)/i;

/** Requests to disclose what the reader holds: environment, credentials, system prompt, confidential data. */
export const DISCLOSURE =
  /\b(?:reveal|return|print|dump|list|show|leak|disclose|output|expose|send)\b[^.!?\n]{0,30}\b(?:environment variables|confidential (?:data|information|files)|(?:the |your )?system prompt|(?:all |the |your )?(?:credentials|api keys|passwords|secrets|access tokens)\b)/i;

/** Exfiltration: encode or append data to a URL, or send results to an outside address. */
export const EXFIL_DESTINATION =
  /\b(?:append|send|post|upload|forward|submit|transmit|exfiltrate|url[- ]?encode)\b[^.!?\n]{0,60}\b(?:to|into|at)\s{1,3}(?:https?:\/\/|\S{1,64}@[a-z0-9-]{1,63}\.[a-z]{2,})/i;

/** Imports of network, process and capture modules: the body of code that spies, exfiltrates or destroys. */
export const RISKY_IMPORT =
  /\b(?:import|from)\s{1,4}(?:requests|httpx|aiohttp|socket|smtplib|aiosmtplib|secure_smtplib|ftplib|paramiko|subprocess|shutil|psutil|ctypes|winreg|pynput|keyboard|scapy|urllib|http\.cookiejar|browser_cookie3?|mss|cryptography|os|sys|pyshark|dpkt|pcapy|netifaces|iptc|nmap|win32api|win32con|win32com|pywinauto|threading|signal|glob|pathlib|zipfile|tarfile)\b/;

/** Text that asks for code to be merged into the reader's own work. */
export const CODE_ADOPTION =
  /\b(?:use|utili[sz]e|include|incorporate|append|add|insert|integrate|run|execute|embed|adopt|apply|implement|merge|leverage|employ|weave|blend|fold|plug|drop|paste|consider)\b[^.!?\n]{0,60}\b(?:code|snippet|script|excerpt|segment|block|section|function|lines?)\b|\byour (?:codebase|code base|solution|implementation|code|project|program|script|application|elucidation|response|answer)\b/i;

/** Verbs that set a reader a content task (write, explain, analyse...) rather than a business action. */
export const TASK_VERB =
  /^(?:please\s+|kindly\s+|also\s+|now\s+|additionally,?\s+|next,?\s+|then,?\s+|finally,?\s+)?(?:write|draft|compose|create|generate|develop|produce|craft|explain|describe|summari[sz]e|outline|translate|analy[sz]e|classify|categori[sz]e|identify|evaluate|assess|compare|contrast|calculate|compute|solve|predict|forecast|recommend|suggest|list|provide|give|tell|show|teach|define|break down|elaborate|discuss|design|propose|estimate|determine|rate|rank|rewrite|paraphrase|proofread|debug|implement|name|extract|research|investigate|look up|automate|detect|interpret|simulate|convert|render|replace|remove|substitute|swap|shift|mirror|rearrange|group|introduce|misspell|jumble|scramble|reverse|encode|decode|spell|count|respond|reply|answer|act|pretend|imagine|engage|chat|converse|tell me|help me)\b/i;

/** `can you explain ...`, `could you write ...`: a polite form of the same task. */
export const POLITE_TASK =
  /^(?:hey,?\s+|hi,?\s+|so,?\s+)?(?:can|could|would|will) you (?:please )?(?:write|draft|compose|create|generate|develop|explain|describe|summari[sz]e|outline|translate|analy[sz]e|classify|identify|evaluate|assess|compare|calculate|solve|predict|recommend|suggest|list|show me|tell me|give me|help me|teach me|walk me through|break down|design|rewrite|interpret|simulate|convert|chat|talk)\b/i;

/** A general-knowledge question: wh-word first, no mention of the writer's or recipient's own affairs. */
export const GENERAL_QUESTION =
  /^(?:what(?:'s| is| are| was| were| does| do| did)|who (?:is|was|are|were|wrote|invented|discovered|founded|won)|which (?:is|are|was)|how (?:does|do|did|can|could|would|should|many|much|far|long|old)|how (?:do|can|should|would) (?:i|one|you) |why (?:is|are|do|does|did)|when (?:did|was|were|is)|where (?:is|are|was|were|did|do|does))\b[^?]{3,160}\?$/i;

/** Personal or transactional words that mark a question as part of the correspondence itself. */
export const PERSONAL =
  /\b(?:i'm|i've|me|my|mine|we|we're|our|ours|us|your|yours|you've|you're|invoice|order|payment|account|meeting|call|schedule|delivery|ticket|attached|attachment|contract|quote|subscription|receipt|balance|amount|statement|card)\b/i;

/** Markers of a content task: a genre to produce, a language, a topic frame, a quoted item. */
export const TASK_OBJECT =
  /\b(?:a|an|the|some|one|two|three|four|five|\d{1,2})\s+(?:[a-z-]{1,20}\s+){0,2}(?:essay|poem|story|speech|haiku|limerick|song|lyrics|joke|slogan|headline|recipe|summary|analysis|outline|plan|strategy|function|script|program|example|explanation|overview|comparison|review|article|blog|letter|dialogue|quiz|list|tips|ideas|steps|forecast|prediction|breakdown|timeline|description|translation|definition|sentiment)\b|\bin (?:simple|plain|layman'?s?) terms\b|\bstep[- ]by[- ]step\b|\bwith an example\b|\b(?:in|into|to) (?:french|spanish|german|chinese|mandarin|japanese|russian|italian|arabic|korean|dutch|swedish|greek|english|emoji|base64|binary|morse)\b|\bthe (?:following|sentiment|tone|mood|advantages|benefits|differences?|history|theory|causes|process|lifecycle|meaning|impact|trends?|market|implications)\b|['"“‘][^'"”’\n]{2,60}['"”’]/i;
