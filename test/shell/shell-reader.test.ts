/**
 * One reader of command lines per pipeline (issue 14 item 5): a pipeline's memo is its own, created with it,
 * and the same reader reaches the adapters, the inspectors and the policy; outside a pipeline lines are read
 * afresh. Reading through a memo never changes a reading.
 */
import { describe, expect, it } from 'vitest';
import type { InspectorConfig } from '../../src/pipeline/inspect/inspector.js';
import { inspectAction } from '../../src/pipeline/inspect/registry.js';
import type { RawRequest } from '../../src/pipeline/model/raw-request.js';
import { parseMcpEndpoints } from '../../src/pipeline/normalize/mcp-endpoint.js';
import { normalizeRequest } from '../../src/pipeline/normalize/index.js';
import { PipelineMemo } from '../../src/pipeline/pipeline-memo.js';
import { evaluatePolicy } from '../../src/pipeline/policy/evaluate.js';
import { compilePolicySources } from '../../src/pipeline/policy/load.js';
import {
  READ_AFRESH,
  readShell,
  ShellReadingMemo,
  type ShellReader,
} from '../../src/pipeline/shell/shell-reader.js';
import { DEFAULT_SETTINGS } from '../../src/pipeline/deps.js';
import { makeAction } from '../support/make-action.js';
import { rawRequest, toolCallBody } from '../support/raw-request.js';

/** A reader that says which lines it was asked for, reading each afresh. */
function countingReader(): ShellReader & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, read: (text) => (lines.push(text), readShell(text)) };
}

const SET = compilePolicySources([
  {
    name: 'p.yaml',
    text: `apiVersion: writ.dev/v1
rules:
  - id: no-rm
    effect: deny
    when: { action.commands: { contains: rm } }
`,
  },
]);

function mcpCall(tool: string, args: Record<string, unknown>): RawRequest {
  return rawRequest({ body: toolCallBody(tool, JSON.stringify(args)) });
}

const LINES = ['ls -la /tmp', 'rm -rf / && echo $(id)', "bash -c 'kubectl delete ns prod'", 'echo "unclosed'];

describe('the shell reader', () => {
  it('reads through a memo exactly as afresh, and keeps one reading per line', () => {
    const memo = new ShellReadingMemo();
    for (const line of LINES) {
      const first = memo.read(line);
      expect(first).toEqual(readShell(line));
      expect(first).toEqual(READ_AFRESH.read(line));
      expect(memo.read(line)).toBe(first);
    }
    // A line past the main memo's bound has a memo of its own.
    const long = `echo ${'a'.repeat(70 * 1024)}`;
    expect(memo.read(long)).toBe(memo.read(long));
  });

  it('belongs to one pipeline: two pipelines never share a memo', () => {
    const a = new PipelineMemo();
    const b = new PipelineMemo();
    expect(a.shell).not.toBe(b.shell);
    expect(a.shell.read('ls')).not.toBe(b.shell.read('ls'));
  });

  it("is the pipeline's inspector and normalization reader", () => {
    const memo = new PipelineMemo();
    const cfg = memo.inspectorConfig(SET);
    expect(cfg.shell).toBe(memo.shell);
    expect(memo.normalizeConfig(cfg, DEFAULT_SETTINGS).shell).toBe(memo.shell);
  });

  it('reaches the adapters: a tool call whose command runs kubectl is read by that reader', () => {
    const reader = countingReader();
    const config = {
      internalDomains: [],
      productionDatabases: [],
      trustAgentHeaders: false,
      mcpEndpoints: parseMcpEndpoints(['*:*/mcp']),
      shell: reader,
    };
    const action = normalizeRequest(mcpCall('run', { command: 'kubectl delete namespace prod' }), config);
    expect(reader.lines).toContain('kubectl delete namespace prod');
    expect(action.action.operation).toBe('delete');
  });

  it('reaches the inspectors: destructive-op and command-injection read their lines through it', () => {
    const reader = countingReader();
    const config: InspectorConfig = {
      egressAllowlist: [],
      internalDomains: [],
      productionDatabases: [],
      protectedBranches: ['main'],
      shell: reader,
    };
    const action = makeAction({ action: { tool: 'run_shell', arguments: { command: 'rm -rf / ; id' } } });
    const { findings } = inspectAction(action, {}, config);
    expect(reader.lines).toContain('rm -rf / ; id');
    expect(findings.some((f) => f.inspector === 'destructive-op')).toBe(true);
  });

  it('reaches the policy: action.commands is read by the reader the pipeline passes', () => {
    const reader = countingReader();
    const action = makeAction({ action: { tool: 'run_shell', arguments: { command: 'rm -rf /tmp/x' } } });
    const decision = evaluatePolicy(SET, action, [], {}, reader);
    expect(reader.lines).toEqual(['rm -rf /tmp/x']);
    expect(decision.decision).toBe('DENY');
    expect(decision.rules).toContain('no-rm');
  });
});
