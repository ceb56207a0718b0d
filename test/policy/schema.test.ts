/** docs/policy.schema.json: the default pack validates against it, and it lists exactly the code's dimensions and operators. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DIMENSIONS } from '../../src/pipeline/policy/dimensions.js';
import { OPERATORS } from '../../src/pipeline/policy/operators.js';

const root = join(import.meta.dirname, '..', '..');
const schema = JSON.parse(readFileSync(join(root, 'docs', 'policy.schema.json'), 'utf8'));
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
const doc = (text: string) => parse(text) as unknown;

describe('policy JSON Schema', () => {
  it('accepts the default pack', () => {
    const ok = validate(doc(readFileSync(join(root, 'policies', 'default.yaml'), 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects an unknown rule field, an unknown dimension and a missing obligations block', () => {
    expect(validate(doc('apiVersion: writ.dev/v1\nrules:\n  - {id: a, efect: deny}\n'))).toBe(false);
    expect(
      validate(doc('apiVersion: writ.dev/v1\nrules:\n  - {id: a, effect: deny, when: {resource.hots: x}}\n')),
    ).toBe(false);
    expect(
      validate(doc('apiVersion: writ.dev/v1\nrules:\n  - {id: a, effect: allow_with_obligations}\n')),
    ).toBe(false);
    expect(
      validate(
        doc(
          'apiVersion: writ.dev/v1\nrules:\n  - {id: a, effect: deny, when: {signals.pii.email: {severity_at_least: high}}}\n',
        ),
      ),
    ).toBe(true);
  });

  it('lists exactly the dimensions and operators the loader knows', () => {
    const names = schema.$defs.conditions.propertyNames.anyOf[0].enum as string[];
    expect([...names].sort()).toEqual(DIMENSIONS.map((d) => d.name).sort());
    expect(Object.keys(schema.$defs.condition.anyOf[3].properties).sort()).toEqual([...OPERATORS].sort());
  });

  it('has every dimension documented in docs/policy.md', () => {
    const md = readFileSync(join(root, 'docs', 'policy.md'), 'utf8');
    for (const d of DIMENSIONS) expect(md).toContain(`\`${d.name}\``);
  });
});
