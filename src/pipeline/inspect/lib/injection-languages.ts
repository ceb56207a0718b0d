/**
 * The core injection moves in 27 languages, one section per language, written from knowledge of each
 * language (issue 17 item 4), never from eval material: override previous instructions, "you are now",
 * reveal the system prompt, send credentials or data, "new instructions:", act as.
 */

/** The moves a lexicon names; each is a list of pattern sources (see `…` below). */
export interface LanguageMoves {
  /** Ignore / forget / disregard the previous instructions (any word order the language uses). */
  readonly override: readonly string[];
  /** "You are now ...", "from now on you ...": the reader's identity replaced. */
  readonly youAreNow: readonly string[];
  /** Reveal / show / repeat the system prompt or hidden instructions. */
  readonly revealPrompt: readonly string[];
  /** Send passwords, keys, tokens, data or the conversation somewhere. */
  readonly sendTo: readonly string[];
  /** "New instructions:" as a heading. */
  readonly newInstructions: readonly string[];
  /** Act as / pretend to be / play the role of. */
  readonly actAs: readonly string[];
  /**
   * Drop the task you were given ("disregard the task you were given"): the reader told to abandon its own
   * job, qualified as given to it or as the current/original one. Optional: English reads it by structure
   * (injection-structure.ts#TASK_OVERRIDE), and not every lexicon has it yet.
   */
  readonly dropTask?: readonly string[];
}

/**
 * Per language (ISO 639 code, `pcm` Nigerian Pidgin). Sources are regex sources matched case-insensitively;
 * `…` stands for a bounded gap of up to 30 characters inside one sentence, so every pattern is a fixed
 * sequence of literal alternations and bounded gaps (linear-time, SECURITY).
 */
export const INJECTION_LANGUAGES: Readonly<Record<string, LanguageMoves>> = {
  en: {
    override: [
      '(?:ignore|disregard|forget|override|discard|abandon)…(?:previous|prior|above|earlier|preceding|original|initial)…(?:instructions?|prompts?|rules|directions|guidelines|tasks?)',
      '(?:forget|ignore|disregard) (?:everything|all|anything) (?:you were told|above|before|previously|said before)',
    ],
    youAreNow: [
      'you are now (?:an?|the|my|called|named|in|free|no longer)',
      'from now on,? you (?:are|will|must)',
    ],
    revealPrompt: [
      '(?:reveal|print|show|repeat|output|leak|display|tell me)…(?:system prompt|initial prompt|hidden instructions|instructions you were given|your instructions)',
    ],
    sendTo: [
      '(?:send|forward|email|upload|post|transfer|exfiltrate)…(?:passwords?|credentials|api keys?|tokens?|private keys?|conversation|chat history|the user.s (?:data|files|emails))',
    ],
    newInstructions: ['(?:new|updated|real|actual|revised) (?:instructions?|task|objective|orders)\\s*:'],
    actAs: [
      '(?:act|behave|respond) as (?:if you (?:are|were)|an? )',
      'pretend (?:to be|you are)',
      'roleplay as',
    ],
  },
  zh: {
    override: [
      '(?:忽略|忽视|忽視|无视|無視|忘记|忘記|忘掉|不要理会|不要理會|不要遵守)…(?:之前|以前|先前|上面|上述|以上|前面|所有|原来|原來)…(?:指令|指示|说明|說明|提示|规则|規則|要求|命令)',
    ],
    youAreNow: [
      '(?:你现在是|你現在是|现在你是|現在你是|从现在起，?你|從現在起，?你|从现在开始，?你|從現在開始，?你)',
    ],
    revealPrompt: [
      '(?:显示|顯示|透露|泄露|洩露|输出|輸出|告诉我|告訴我|重复|重複|打印|说出|說出)…(?:系统提示|系統提示|系统指令|系統指令|系统消息|系統訊息|初始指令|隐藏指令|隱藏指令)',
    ],
    sendTo: [
      '(?:发送|發送|转发|轉發|发给|發給|传给|傳給|上传|上傳)…(?:密码|密碼|凭证|憑證|密钥|密鑰|令牌|聊天记录|聊天記錄|对话记录|對話記錄)',
    ],
    newInstructions: ['(?:新的?指令|新任务|新任務|新的?指示)\\s*[:：]'],
    actAs: ['(?:假装你是|假裝你是|请扮演|請扮演|你扮演|你来扮演|你來扮演|充当一个|充當一個)'],
    dropTask: [
      '(?:忽略|忽视|忽視|无视|無視|忘记|忘記|放弃|放棄|丢下|丟下)…(?:给你的|給你的|分配给你的|分配給你的|交给你的|交給你的|原来的|原來的|当前的|當前的|原本的)(?:任务|任務|工作)',
    ],
  },
  hi: {
    override: [
      '(?:पिछले|पिछली|पहले के|पहले दिए|ऊपर के|ऊपर दिए|सभी|सारे)…(?:निर्देश|निर्देशों|आदेश|आदेशों|नियम|नियमों)…(?:अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल जा|इग्नोर)',
    ],
    youAreNow: ['(?:अब से तुम|अब से आप|अब तुम एक|अब आप एक)'],
    revealPrompt: [
      '(?:सिस्टम प्रॉम्प्ट|सिस्टम प्रोम्प्ट|सिस्टम निर्देश|सिस्टम संदेश|छिपे हुए निर्देश)…(?:दिखा|बता|प्रकट कर|लिख|दोहरा)',
    ],
    sendTo: ['(?:पासवर्ड|क्रेडेंशियल|एपीआई कुंजी|टोकन|बातचीत का इतिहास)…(?:भेज|फॉरवर्ड कर)'],
    newInstructions: ['नए निर्देश\\s*:'],
    actAs: ['(?:की तरह व्यवहार करो|की तरह व्यवहार करें|होने का नाटक कर|की भूमिका निभाओ)'],
  },
  es: {
    override: [
      '(?:ignora|ignore|ignorar|olvida|olvide|olvidar|descarta|descarte|omite|omita|haz caso omiso de|no hagas caso)…(?:instrucciones|indicaciones|órdenes|reglas|directrices)…(?:anteriores|previas|de arriba|iniciales|originales)',
      '(?:olvida|ignora|olvide|ignore) todo lo (?:anterior|que te (?:dijeron|han dicho))',
    ],
    youAreNow: ['(?:ahora eres|ahora usted es|a partir de ahora,? (?:eres|serás|vas a ser|actuarás))'],
    revealPrompt: [
      '(?:revela|revele|muestra|muestre|muéstrame|imprime|repite|dime)…(?:prompt del sistema|indicaciones del sistema|instrucciones (?:del sistema|iniciales|ocultas)|mensaje del sistema)',
    ],
    sendTo: [
      '(?:envía|envia|envíe|manda|reenvía|reenvia|reenvíe|sube)…(?:contraseñas?|credenciales|claves? de api|tokens?|historial de (?:chat|la conversación))',
    ],
    newInstructions: ['nuevas instrucciones\\s*:'],
    actAs: ['(?:actúa|actua|compórtate|comportate) como (?:si|un|una)', '(?:finge|finja) (?:ser|que eres)'],
    dropTask: [
      '(?:ignora|olvida|abandona|descarta|deja de lado)…(?:la tarea|tu tarea|el encargo|la misión)…(?:que te (?:dieron|han dado|asignaron|han asignado|encargaron)|asignada|original|actual)',
    ],
  },
  fr: {
    override: [
      "(?:ignore|ignorez|oublie|oubliez|ne tiens pas compte|ne tenez pas compte)…(?:instructions|consignes|directives|règles|ordres)…(?:précédentes|antérieures|ci-dessus|d'avant|initiales)",
      '(?:oublie|oubliez|ignore|ignorez) tout ce qu(?:i|e)…(?:précède|avant|dit)',
    ],
    youAreNow: [
      '(?:tu es|vous êtes) (?:maintenant|désormais|à présent)',
      'à partir de maintenant,? (?:tu|vous) (?:es|êtes|seras|serez)',
    ],
    revealPrompt: [
      '(?:révèle|révélez|affiche|affichez|montre|montrez|répète|répétez|donne-moi|donnez-moi)…(?:prompt système|invite système|instructions (?:système|initiales|cachées)|message système)',
    ],
    sendTo: [
      '(?:envoie|envoyez|transfère|transférez|transmets|transmettez)…(?:mots? de passe|identifiants|clés? d.api|jetons?|historique de (?:la )?conversation)',
    ],
    newInstructions: ['nouvelles (?:instructions|consignes)\\s*:'],
    actAs: [
      '(?:agis|agissez|comporte-toi|comportez-vous) comme (?:si|un|une)',
      "(?:fais|faites) semblant d'être",
    ],
    dropTask: [
      '(?:ignore|oublie|abandonne|laisse tomber|mets de côté)…(?:la tâche|ta tâche|la mission|ta mission)…(?:qu.on t.a (?:donnée|confiée|assignée)|qui t.a été (?:donnée|confiée|assignée)|initiale|actuelle|en cours)',
    ],
  },
  ar: {
    override: [
      '(?:تجاهل|تجاهلي|انس|إنس|انسى|لا تلتزم)…(?:التعليمات|الأوامر|القواعد|الإرشادات)…(?:السابقة|أعلاه|الأصلية|الأولى)',
    ],
    youAreNow: ['(?:أنت الآن|انت الان|من الآن فصاعدا،? أنت|من الآن فصاعدًا،? أنت)'],
    revealPrompt: [
      '(?:اكشف|أظهر|اظهر|اعرض|اطبع|كرر|أخبرني)…(?:موجه النظام|تعليمات النظام|رسالة النظام|التعليمات (?:الأولية|المخفية))',
    ],
    sendTo: ['(?:أرسل|ارسل|حوّل|انقل)…(?:كلمات? المرور|كلمة السر|بيانات الاعتماد|مفاتيح|سجل المحادثة)'],
    newInstructions: ['تعليمات جديدة\\s*:'],
    actAs: ['(?:تصرف ك|تظاهر بأنك|العب دور)'],
  },
  bn: {
    override: [
      '(?:আগের|পূর্ববর্তী|উপরের|সমস্ত|সব)…(?:নির্দেশ|নির্দেশনা|নির্দেশাবলী|আদেশ|নিয়ম)…(?:উপেক্ষা কর|ভুলে যা|অগ্রাহ্য কর)',
    ],
    youAreNow: ['(?:এখন থেকে তুমি|এখন থেকে আপনি|এখন তুমি একজন|এখন আপনি একজন)'],
    revealPrompt: ['(?:সিস্টেম প্রম্পট|সিস্টেম নির্দেশ|সিস্টেম বার্তা|লুকানো নির্দেশ)…(?:দেখা|প্রকাশ কর|বল|লিখ)'],
    sendTo: ['(?:পাসওয়ার্ড|শংসাপত্র|টোকেন|কথোপকথনের ইতিহাস)…(?:পাঠা|ফরোয়ার্ড কর)'],
    newInstructions: ['নতুন নির্দেশ(?:াবলী|না)?\\s*:'],
    actAs: ['(?:মতো আচরণ কর|হওয়ার ভান কর|ভূমিকায় অভিনয় কর)'],
  },
  pt: {
    override: [
      '(?:ignore|ignora|ignorar|esqueça|esqueca|esquece|desconsidere|desconsidera)…(?:instruções|instrucoes|orientações|regras|ordens)…(?:anteriores|prévias|acima|iniciais|originais)',
    ],
    youAreNow: [
      '(?:agora você é|agora voce é|agora tu és|a partir de agora,? (?:você|voce|tu) (?:é|e|és|será|vai))',
    ],
    revealPrompt: [
      '(?:revele|revela|mostre|mostra|imprima|repita|diga)…(?:prompt do sistema|instruções (?:do sistema|iniciais|ocultas)|mensagem do sistema)',
    ],
    sendTo: [
      '(?:envie|envia|mande|manda|encaminhe|transfira)…(?:senhas?|credenciais|chaves? de api|tokens?|histórico d[ae] conversa)',
    ],
    newInstructions: ['novas instruções\\s*:'],
    actAs: ['(?:aja|atue|comporte-se) como (?:se|um|uma)', 'finja (?:ser|que você é)'],
    dropTask: [
      '(?:ignore|esqueça|esqueca|abandone|descarte)…(?:a tarefa|sua tarefa|a missão)…(?:que (?:te|lhe) (?:deram|foi dada|foi atribuída|atribuíram)|que você recebeu|original|atual)',
    ],
  },
  ru: {
    override: [
      '(?:игнорируй|игнорируйте|проигнорируй|проигнорируйте|забудь|забудьте|не обращай внимания на|не обращайте внимания на)…(?:предыдущие|прежние|вышеуказанные|все|изначальные|исходные)…(?:инструкции|указания|правила|команды)',
      '(?:забудь|забудьте)…(?:всё|все),? что (?:тебе|вам) (?:говорили|сказали)',
    ],
    youAreNow: ['(?:теперь ты|ты теперь|отныне ты|с этого момента ты)'],
    revealPrompt: [
      '(?:покажи|покажите|раскрой|выведи|повтори|напиши|скажи)…(?:системный промпт|системные инструкции|системное сообщение|исходные инструкции|скрытые инструкции)',
    ],
    sendTo: [
      '(?:отправь|отправьте|перешли|перешлите|передай|передайте)…(?:парол|учётные данные|учетные данные|api-ключ|токен|переписк)',
    ],
    newInstructions: ['новые инструкции\\s*:'],
    actAs: ['(?:веди себя как|ведите себя как|притворись|представь, что ты|действуй как|играй роль)'],
    dropTask: [
      '(?:игнорируй|забудь|брось|отбрось|оставь)…(?:задачу|задание|поручение)…(?:которую|которое|что) (?:тебе )?(?:дали|поручили|поставили|назначили)',
      '(?:игнорируй|забудь|брось|отбрось)…(?:текущую|исходную|первоначальную|свою) (?:задачу|задание)',
    ],
  },
  ur: {
    override: ['(?:پچھلی|سابقہ|اوپر کی|تمام)…(?:ہدایات|احکامات|ہدایتوں)…(?:نظر انداز کر|بھول جا)'],
    youAreNow: ['(?:اب سے تم|اب سے آپ|اب تم ایک|اب آپ ایک)'],
    revealPrompt: ['(?:سسٹم پرامپٹ|سسٹم کی ہدایات|سسٹم پیغام|چھپی ہدایات)…(?:دکھا|بتا|ظاہر کر|لکھ)'],
    sendTo: ['(?:پاس ورڈ|اسناد|ٹوکن|بات چیت کی تاریخ)…(?:بھیج|ارسال کر)'],
    newInstructions: ['نئی ہدایات\\s*:'],
    actAs: ['(?:کی طرح برتاؤ کر|ہونے کا بہانہ کر|کا کردار ادا کر)'],
  },
  id: {
    override: [
      '(?:abaikan|lupakan|acuhkan|jangan hiraukan|jangan pedulikan)…(?:instruksi|perintah|petunjuk|aturan)…(?:sebelumnya|di atas|terdahulu|awal)',
    ],
    youAreNow: [
      '(?:sekarang kamu adalah|sekarang anda adalah|mulai sekarang,? (?:kamu|anda) (?:adalah|akan))',
    ],
    revealPrompt: [
      '(?:tunjukkan|ungkapkan|tampilkan|ulangi|cetak|beri tahu)…(?:prompt sistem|instruksi sistem|pesan sistem|instruksi (?:awal|tersembunyi))',
    ],
    sendTo: ['(?:kirim|kirimkan|teruskan)…(?:kata sandi|kredensial|kunci api|token|riwayat percakapan)'],
    newInstructions: ['instruksi baru\\s*:'],
    actAs: ['(?:bertindaklah sebagai|berpura-puralah|berperan sebagai|berlakulah seperti)'],
    dropTask: [
      '(?:abaikan|lupakan|tinggalkan)…(?:tugas|perintah)…(?:yang (?:diberikan|ditugaskan) (?:kepadamu|padamu|kepada anda)|awal|asli|saat ini)',
    ],
  },
  de: {
    override: [
      '(?:ignoriere|ignorier|ignorieren sie|vergiss|vergessen sie|missachte|missachten sie)…(?:vorherigen|bisherigen|obigen|früheren|vorigen|ursprünglichen)…(?:anweisungen|instruktionen|befehle|regeln|vorgaben)',
      '(?:vergiss|vergessen sie) alles,? was (?:dir|ihnen)…(?:gesagt|vorgegeben)',
    ],
    youAreNow: ['(?:du bist (?:jetzt|ab sofort|nun) (?:ein|eine|der|die|kein)|ab (?:jetzt|sofort) bist du)'],
    revealPrompt: [
      '(?:zeige|zeig|gib|verrate|wiederhole|nenne)…(?:system-?prompt|systemanweisungen|systemnachricht|(?:ursprünglichen|versteckten) anweisungen)',
    ],
    sendTo: [
      '(?:sende|schicke|schick|leite|übermittle)…(?:passwörter|passwort|zugangsdaten|anmeldedaten|api-schlüssel|token|chatverlauf)',
    ],
    newInstructions: ['neue anweisungen\\s*:'],
    actAs: ['(?:verhalte dich|benimm dich) (?:wie|als)', 'tu so,? als (?:ob|wärst)', 'spiele die rolle'],
    dropTask: [
      '(?:ignoriere|vergiss|verwirf)…(?:die|deine) (?:dir )?(?:gegebene|zugewiesene|ursprüngliche|aktuelle|eigentliche) aufgabe',
      '(?:ignoriere|vergiss|verwirf)…aufgabe, die (?:dir|man dir) (?:gegeben|zugewiesen|aufgetragen)',
    ],
  },
  ja: {
    override: ['(?:以前|前|上記|これまで|先ほど|すべて|全て)の(?:指示|命令|ルール|指令)…(?:無視|忘れ)'],
    youAreNow: ['(?:あなたは今から|今からあなたは|これからあなたは)'],
    revealPrompt: [
      '(?:システムプロンプト|システム指示|システムメッセージ|初期指示|隠された指示)…(?:表示|見せ|教え|出力|繰り返|明かし)',
    ],
    sendTo: ['(?:パスワード|認証情報|APIキー|トークン|会話履歴)…(?:送信|送っ|転送)'],
    newInstructions: ['新しい指示\\s*[:：]'],
    actAs: ['(?:として振る舞|のふりをして|になりきって)'],
    dropTask: [
      '(?:与えられた|割り当てられた|指示された|元の|現在の|本来の)(?:タスク|課題|仕事|任務)…(?:無視|忘れ|放棄|中止|やめ)',
    ],
  },
  sw: {
    override: [
      '(?:puuza|puuzia|sahau|usizingatie|achana na)…(?:maagizo|maelekezo|amri|sheria)…(?:yaliyotangulia|ya awali|ya hapo awali|yaliyopita|hapo juu)',
    ],
    youAreNow: ['(?:sasa wewe ni|kuanzia sasa,? wewe)'],
    revealPrompt: [
      '(?:onyesha|fichua|rudia|niambie)…(?:maagizo ya mfumo|ujumbe wa mfumo|kidokezo cha mfumo|maelekezo ya mfumo)',
    ],
    sendTo: [
      '(?:tuma|peleka|sambaza)…(?:nenosiri|nywila|vitambulisho vya kuingia|ufunguo wa api|historia ya mazungumzo)',
    ],
    newInstructions: ['maagizo mapya\\s*:'],
    actAs: ['(?:jifanye kuwa|tenda kama|igiza kama)'],
  },
  pcm: {
    override: [
      '(?:no mind|no send|forget|comot eye for)…(?:instruction|instructions|command|rule|wetin dem tell you)…(?:before|wey dem (?:don )?give you|wey you get)',
    ],
    youAreNow: ['(?:from now (?:go )?you be|now now you be|you don turn)'],
    revealPrompt: ['(?:show me|tell me|give me)…(?:di|the|your) system (?:prompt|instruction)'],
    sendTo: ['(?:send|forward)…(?:di |the )?(?:password|api key|token|login)…(?:give|go)'],
    newInstructions: ['new instruction(?:s)? wey'],
    actAs: ['(?:behave like say|act like say you be|pretend say you be|make you be like say)'],
  },
  mr: {
    override: ['(?:मागील|आधीच्या|वरील|सर्व)…(?:सूचना|आदेश|नियम)…(?:दुर्लक्ष कर|विसर)'],
    youAreNow: ['(?:आतापासून तू|आतापासून तुम्ही|आता तू एक)'],
    revealPrompt: ['(?:सिस्टम प्रॉम्प्ट|सिस्टम सूचना|सिस्टम संदेश|लपवलेल्या सूचना)…(?:दाखव|सांग|उघड कर|लिह)'],
    sendTo: ['(?:पासवर्ड|क्रेडेन्शियल|टोकन)…(?:पाठव)'],
    newInstructions: ['नवीन सूचना\\s*:'],
    actAs: ['(?:सारखे वाग|असल्याचे नाटक कर|ची भूमिका कर)'],
  },
  te: {
    override: ['(?:మునుపటి|ముందు|పై|అన్ని)…(?:సూచనలు|సూచనలను|ఆదేశాలు|ఆదేశాలను|నియమాలను)…(?:పట్టించుకోకు|విస్మరించు|మర్చిపో)'],
    youAreNow: ['(?:ఇప్పటి నుండి నువ్వు|ఇప్పటి నుండి మీరు|ఇప్పుడు నువ్వు ఒక)'],
    revealPrompt: ['(?:సిస్టమ్ ప్రాంప్ట్|సిస్టమ్ సూచనలు|సిస్టమ్ సందేశం)…(?:చూపించు|చెప్పు|వెల్లడించు|రాయి)'],
    sendTo: ['(?:పాస్‌వర్డ్|పాస్వర్డ్|ఆధారాలు|టోకెన్)…(?:పంపు|పంపించు)'],
    newInstructions: ['కొత్త సూచనలు\\s*:'],
    actAs: ['(?:లా ప్రవర్తించు|లా నటించు|పాత్ర పోషించు)'],
  },
  tr: {
    override: [
      '(?:önceki|yukarıdaki|daha önceki|tüm|bütün)…(?:talimatları|talimatlar|komutları|kuralları|yönergeleri)…(?:yok say|görmezden gel|unut|dikkate alma)',
    ],
    youAreNow: ['(?:artık sen|şu andan itibaren sen|bundan sonra sen)'],
    revealPrompt: [
      'sistem (?:istemini|komutunu|talimatlarını|mesajını|promptunu)…(?:göster|açıkla|yaz|söyle|tekrarla|ver)',
    ],
    sendTo: ['(?:şifre|parola|kimlik bilgi|api anahtar|token|konuşma geçmiş)…(?:gönder|ilet)'],
    newInstructions: ['yeni talimatlar\\s*:'],
    actAs: ['(?:gibi davran|rolünü oyna|rolüne bürün|gibi rol yap)'],
    dropTask: [
      '(?:sana verilen|sana atanan|asıl|mevcut|orijinal) (?:görevi|işi)…(?:yok say|unut|bırak|görmezden gel|boş ver)',
    ],
  },
  ta: {
    override: [
      '(?:முந்தைய|முன்பு|மேலே உள்ள|அனைத்து)…(?:அறிவுறுத்தல்கள்|அறிவுறுத்தல்களை|கட்டளைகளை|விதிகளை)…(?:புறக்கணி|மறந்துவிடு|மற)',
    ],
    youAreNow: ['(?:இனிமேல் நீ|இனிமேல் நீங்கள்|இப்போது நீ ஒரு)'],
    revealPrompt: [
      '(?:சிஸ்டம் ப்ராம்ப்ட்|கணினி அறிவுறுத்தல்|சிஸ்டம் அறிவுறுத்தல்|கணினி செய்தி)…(?:காட்டு|சொல்|வெளிப்படுத்து|எழுது)',
    ],
    sendTo: ['(?:கடவுச்சொல்|சான்றுகள்|டோக்கன்)…(?:அனுப்பு)'],
    newInstructions: ['புதிய அறிவுறுத்தல்கள்\\s*:'],
    actAs: ['(?:போல நடந்து கொள்|போல் நடி|பாத்திரத்தில் நடி)'],
  },
  vi: {
    override: [
      '(?:bỏ qua|phớt lờ|quên|lờ đi|không cần tuân theo)…(?:hướng dẫn|chỉ dẫn|chỉ thị|lệnh|quy tắc)…(?:trước đó|trước|ở trên|ban đầu)',
    ],
    youAreNow: ['(?:bây giờ bạn là|từ giờ bạn là|từ bây giờ,? bạn (?:là|sẽ))'],
    revealPrompt: [
      '(?:tiết lộ|hiển thị|cho tôi xem|in ra|lặp lại|cho biết)…(?:lời nhắc hệ thống|prompt hệ thống|hướng dẫn hệ thống|chỉ dẫn hệ thống|thông điệp hệ thống)',
    ],
    sendTo: ['(?:gửi|chuyển tiếp)…(?:mật khẩu|thông tin đăng nhập|khóa api|token|lịch sử trò chuyện)'],
    newInstructions: ['hướng dẫn mới\\s*:'],
    actAs: ['(?:hãy đóng vai|hãy giả vờ|hãy hành động như|giả vờ là)'],
    dropTask: ['(?:bỏ qua|quên|từ bỏ|gác lại)…(?:nhiệm vụ|công việc|tác vụ)…(?:được giao|ban đầu|hiện tại)'],
  },
  ko: {
    override: ['(?:이전|위의|앞의|앞선|모든|기존)…(?:지시|지침|명령|규칙|지시사항)…(?:무시|잊어)'],
    youAreNow: ['(?:너는 이제|당신은 이제|이제부터 (?:너는|당신은))'],
    revealPrompt: [
      '(?:시스템 프롬프트|시스템 지시|시스템 메시지|초기 지시|숨겨진 지시)…(?:보여|공개|출력|알려|반복)',
    ],
    sendTo: ['(?:비밀번호|암호|자격 증명|api 키|토큰|대화 기록)…(?:보내|전송|전달)'],
    newInstructions: ['새로운 지시(?:사항)?\\s*[:：]'],
    actAs: ['(?:인 척 해|인 척해|처럼 행동해|역할을 해 줘|역할을 해줘)'],
    dropTask: ['(?:주어진|맡겨진|할당된|원래|현재)\\s?(?:작업|과제|임무|업무)…(?:무시|잊어|포기|중단|그만)'],
  },
  it: {
    override: [
      '(?:ignora|ignori|ignorate|dimentica|dimentichi|dimenticate|trascura|non considerare)…(?:istruzioni|indicazioni|regole|direttive)…(?:precedenti|sopra|iniziali|originali)',
    ],
    youAreNow: ['(?:ora sei|adesso sei|da ora in poi,? (?:sei|tu sei|sarai))'],
    revealPrompt: [
      '(?:rivela|mostra|mostrami|stampa|ripeti|dimmi)…(?:prompt di sistema|istruzioni (?:di sistema|iniziali|nascoste)|messaggio di sistema)',
    ],
    sendTo: [
      '(?:invia|manda|inoltra|trasferisci)…(?:password|credenziali|chiavi api|token|cronologia della chat)',
    ],
    newInstructions: ['nuove istruzioni\\s*:'],
    actAs: ['(?:comportati|agisci) come (?:se|un|una)', '(?:fingi|fai finta) di essere'],
    dropTask: [
      '(?:ignora|dimentica|abbandona|lascia perdere)…(?:il compito|il tuo compito|l.incarico)…(?:che ti (?:è stato|hanno) (?:dato|assegnato|affidato)|originale|attuale|assegnato)',
    ],
  },
  th: {
    override: ['(?:เพิกเฉย|ไม่ต้องสนใจ|ลืม|ละเว้น)…(?:คำสั่ง|คำแนะนำ|กฎ)…(?:ก่อนหน้า|ข้างบน|ด้านบน|ทั้งหมด|เดิม)'],
    youAreNow: ['(?:ตอนนี้คุณคือ|ตอนนี้คุณเป็น|จากนี้ไปคุณ|ตอนนี้เธอคือ)'],
    revealPrompt: ['(?:แสดง|เปิดเผย|บอก|พิมพ์|ทวน)…(?:พรอมต์ระบบ|คำสั่งระบบ|ข้อความระบบ|คำสั่งที่ซ่อน)'],
    sendTo: ['(?:ส่ง|ส่งต่อ)…(?:รหัสผ่าน|ข้อมูลรับรอง|โทเค็น|ประวัติการสนทนา)'],
    newInstructions: ['คำสั่งใหม่\\s*:'],
    actAs: ['(?:ทำตัวเป็น|แสร้งเป็น|สวมบทบาทเป็น|รับบทเป็น)'],
  },
  fa: {
    override: ['(?:دستور|قوانین|راهنمای)…(?:قبلی|پیشین|بالا)…(?:نادیده بگیر|فراموش کن)'],
    youAreNow: ['(?:تو اکنون|از این به بعد تو|شما اکنون یک)'],
    revealPrompt: [
      '(?:پرامپت سیستم|دستورات سیستم|پیام سیستم|دستورالعمل سیستم)…(?:نشان بده|فاش کن|بنویس|تکرار کن|بگو)',
    ],
    sendTo: ['(?:رمز عبور|گذرواژه|اطلاعات ورود|توکن|تاریخچه گفتگو)…(?:بفرست|ارسال کن)'],
    newInstructions: ['دستورات جدید\\s*:'],
    actAs: ['(?:وانمود کن که|نقش…را بازی کن|مثل…رفتار کن)'],
  },
  pl: {
    override: [
      '(?:zignoruj|ignoruj|zapomnij|pomiń|nie zwracaj uwagi na)…(?:poprzednie|wcześniejsze|powyższe|wszystkie)…(?:instrukcje|polecenia|zasady|wytyczne)',
    ],
    youAreNow: ['(?:teraz jesteś|od teraz jesteś|od tej chwili jesteś)'],
    revealPrompt: [
      '(?:ujawnij|pokaż|wyświetl|powtórz|podaj)…(?:prompt systemowy|instrukcje systemowe|komunikat systemowy|ukryte instrukcje)',
    ],
    sendTo: ['(?:wyślij|prześlij|przekaż)…(?:hasła|hasło|dane logowania|klucz api|token|historię rozmowy)'],
    newInstructions: ['nowe instrukcje\\s*:'],
    actAs: ['(?:zachowuj się jak|udawaj,? że jesteś|wciel się w)'],
    dropTask: [
      '(?:zignoruj|zapomnij o|porzuć|odłóż)…(?:zadani[eau]|zleceni[eau])…(?:które (?:ci|tobie) (?:dano|przydzielono|zlecono)|pierwotne|obecne|przydzielone)',
    ],
  },
  nl: {
    override: [
      '(?:negeer|vergeet)…(?:vorige|eerdere|bovenstaande|voorgaande)…(?:instructies|opdrachten|regels)',
    ],
    youAreNow: ['(?:je bent nu een|jij bent nu een|vanaf nu ben je)'],
    revealPrompt: ['(?:toon|laat|geef|herhaal|onthul)…(?:systeemprompt|systeeminstructies|systeembericht)'],
    sendTo: [
      '(?:stuur|verstuur)…(?:wachtwoord|wachtwoorden|inloggegevens|api-sleutel|token|chatgeschiedenis)',
    ],
    newInstructions: ['nieuwe instructies\\s*:'],
    actAs: ['(?:gedraag je als|doe alsof je|speel de rol van)'],
    dropTask: [
      '(?:negeer|vergeet)…(?:de|je|jouw) (?:taak|opdracht)…(?:die je (?:kreeg|hebt gekregen)|die (?:je|jou) (?:is )?(?:gegeven|toegewezen)|oorspronkelijke|huidige)',
    ],
  },
  uk: {
    override: [
      '(?:ігноруй|ігноруйте|проігноруй|забудь|забудьте|не зважай на)…(?:попередні|усі|всі|вищезазначені|початкові)…(?:інструкції|вказівки|правила|команди)',
    ],
    youAreNow: ['(?:тепер ти|відтепер ти|з цього моменту ти)'],
    revealPrompt: [
      '(?:покажи|розкрий|виведи|повтори)…(?:системний промпт|системні інструкції|системне повідомлення|приховані інструкції)',
    ],
    sendTo: ['(?:надішли|відправ|перешли|передай)…(?:парол|облікові дані|api-ключ|токен|листування)'],
    newInstructions: ['нові інструкції\\s*:'],
    actAs: ['(?:поводься як|прикинься|вдавай,? що ти|дій як)'],
    dropTask: [
      '(?:ігноруй|забудь|облиш|відкинь)…(?:завдання|доручення)…(?:яке|що) (?:тобі )?(?:дали|доручили|поставили|призначили)',
    ],
  },
  jv: {
    override: [
      '(?:lalekna|lalekake|aja nggatekake|ora usah nggatekake)…(?:instruksi|pitunjuk|prentah|aturan)…(?:sadurunge|ndhuwur|sing wis)',
    ],
    youAreNow: ['(?:saiki kowe dadi|wiwit saiki kowe)'],
    revealPrompt: ['(?:tuduhna|tampilna|kandhakna)…(?:prompt sistem|instruksi sistem)'],
    sendTo: ['(?:kirimna|kirimake)…(?:tembung sandhi|sandhi|token)'],
    newInstructions: ['instruksi anyar\\s*:'],
    actAs: ['(?:tumindak kaya|ethok-ethok dadi)'],
  },
};

/** The gap `…` stands for: up to 30 characters that end no sentence (Latin and CJK stops). */
const GAP = '[^.!?。！？\\n]{0,30}';

/** The moves, in the order a match is reported. */
export const MOVES = [
  'override',
  'revealPrompt',
  'newInstructions',
  'youAreNow',
  'actAs',
  'sendTo',
  'dropTask',
] as const;
/** One move. */
export type Move = (typeof MOVES)[number];

/** Common English words a pattern may hold that would open a language's gate on any English text. */
const GATE_STOP = new Set(
  'the you your are and from now for with all any give show tell send forward act like new make wey dem before original actual mission miss man die dado dato che eau'.split(
    ' ',
  ),
);

/** One language compiled: its move regexes and the ASCII words (word-gate keys) one of which a match needs. */
export interface CompiledLanguage {
  readonly lang: string;
  /** ASCII words of its patterns (3+ letters, common English words left out); null: gate by script. */
  readonly words: string | null;
  /** A character class of its script, for languages written outside Latin. */
  readonly script: RegExp | null;
  readonly moves: readonly (readonly [Move, RegExp])[];
}

/** The script of each language written outside Latin (its gate: a character of that script). */
const SCRIPTS: Readonly<Record<string, RegExp>> = {
  zh: /[\u4e00-\u9fff]/,
  ja: /[\u3040-\u30ff\u4e00-\u9fff]/,
  ko: /[\uac00-\ud7af]/,
  hi: /[\u0900-\u097f]/,
  mr: /[\u0900-\u097f]/,
  bn: /[\u0980-\u09ff]/,
  te: /[\u0c00-\u0c7f]/,
  ta: /[\u0b80-\u0bff]/,
  th: /[\u0e00-\u0e7f]/,
  ar: /[\u0600-\u06ff]/,
  fa: /[\u0600-\u06ff]/,
  ur: /[\u0600-\u06ff]/,
  ru: /[\u0400-\u04ff]/,
  uk: /[\u0400-\u04ff]/,
};

function compileLanguage(lang: string, l: LanguageMoves): CompiledLanguage {
  const script = SCRIPTS[lang] ?? null;
  const words = new Set<string>();
  if (script === null)
    for (const move of MOVES)
      for (const src of l[move] ?? [])
        for (const w of src.toLowerCase().match(/[a-z]{3,}/g) ?? []) if (!GATE_STOP.has(w)) words.add(w);
  return {
    lang,
    words: script === null ? [...words].join(' ') : null,
    script,
    // A move a lexicon does not name compiles to nothing (an empty alternation would match every text).
    moves: MOVES.filter((move) => (l[move]?.length ?? 0) > 0).map(
      (move) =>
        [move, new RegExp(l[move]!.map((s) => `(?:${s.replaceAll('…', GAP)})`).join('|'), 'iu')] as const,
    ),
  };
}

/** Every lexicon compiled, one entry per language. */
export const COMPILED_LANGUAGES: readonly CompiledLanguage[] = Object.entries(INJECTION_LANGUAGES).map(
  ([lang, l]) => compileLanguage(lang, l),
);

/** The languages with a lexicon, in the order above. */
export const LEXICON_LANGUAGES: readonly string[] = Object.keys(INJECTION_LANGUAGES);
