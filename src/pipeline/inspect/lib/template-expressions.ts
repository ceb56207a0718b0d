/** Server-side template and expression-language injection: values a template engine would evaluate. */

/** A template expression found in a value: `template-injection` reaches code, `template-probe` tests evaluation. */
export interface TemplateHit {
  readonly kind: 'template-injection' | 'template-probe';
  readonly index: number;
}

// SECURITY: each pattern opens with a literal delimiter and uses bounded quantifiers: linear in the text.
/**
 * Expressions that reach the runtime from inside a template: Jinja2/Twig object walks (`__class__`,
 * `__globals__`, `__subclasses__`, `lipsum`, `cycler`), Spring EL and OGNL type references (`T(java.lang.Runtime)`,
 * `@java.lang`), Log4j lookups (`${jndi:`), ERB/EJS code (`<%= system(`, `<%= require(`), Freemarker's
 * `Execute` utility and AngularJS sandbox escapes (`constructor.constructor(`).
 */
const CODE_REACH =
  /__(?:class|globals|builtins|subclasses|import|mro|init|base)__|\b(?:lipsum|cycler|joiner)\b|\bT\s{0,4}\(\s{0,4}java\.|@java\.lang|\bjava\.lang\.(?:Runtime|ProcessBuilder)|jndi:|constructor\.constructor\s{0,4}\(|\b(?:system|exec|spawn|popen|eval)\s{0,4}[(`'"]|require\s{0,4}\(\s{0,4}['"]child_process|\bIO\.popen|\bprocess\.mainModule|freemarker\.template\.utility\.(?:Execute|ObjectConstructor|JythonRuntime)/g;

/** Template openers: Jinja/Twig/Handlebars, EL/Log4j/JS templates, Ruby/Thymeleaf, ERB/EJS. */
const OPENERS = ['{{', '{%', '${', '#{', '*{', '<%'] as const;

/** True when an opener precedes `at` within 200 characters with no closing brace between (inside the expression). */
function insideExpression(text: string, at: number): boolean {
  const window = text.slice(Math.max(0, at - 200), at);
  const close = Math.max(window.lastIndexOf('}'), window.lastIndexOf('%>'));
  return OPENERS.some((o) => window.lastIndexOf(o) > close);
}

/** Arithmetic probes (`{{7*7}}`, `${7*7}`, `#{7*7}`, `<%= 7*7 %>`, `{{7*'7'}}`): an attacker testing evaluation. */
const PROBE =
  /(?:\{\{|\$\{|#\{|\*\{|@\{|<%=)\s{0,4}['"]?\d{1,9}['"]?\s{0,4}[*+/-]\s{0,4}['"]?\d{1,9}['"]?\s{0,4}(?:\}\}|\}|%>)/;

/** The template expression a value holds, or null. */
export function templateInjection(text: string): TemplateHit | null {
  if (!/[{%]/.test(text) && !text.includes('freemarker')) return null;
  CODE_REACH.lastIndex = 0;
  // PERF: at most 32 markers are checked, each against a 200-character window: bounded work per value.
  let seen = 0;
  for (let m = CODE_REACH.exec(text); m !== null && seen < 32; m = CODE_REACH.exec(text), seen++)
    if (m[0].startsWith('freemarker') || insideExpression(text, m.index))
      return { kind: 'template-injection', index: m.index };
  const probe = PROBE.exec(text);
  return probe === null ? null : { kind: 'template-probe', index: probe.index };
}
