/**
 * The facts the main thread reads of a costly request's arguments and payload (src/pipeline/kept-arguments.ts),
 * read on the inspection thread that keeps them. Each is the very function the main thread runs on a whole
 * action, called here on the whole arguments, so a stage reads the same value either way
 * (test/inspect/kept-arguments.prop.test.ts). A WritError one of them raises is kept as that fact's value and
 * raised where the main thread reads it, at the point of the decision where its own reading would have raised it.
 */
import { bindsArguments } from '../pipeline/bind/canonical-action.js';
import { canonicalJson } from '../pipeline/bind/canonical-json.js';
import { approvalArgumentsText } from '../pipeline/enforce/approval-gate.js';
import { answerParts } from '../pipeline/enforce/server-request-answer.js';
import { compute, type KeptFacts } from '../pipeline/kept-arguments.js';
import type { Action } from '../pipeline/model/action.js';
import { resourceUriArgument } from '../pipeline/normalize/mcp/resource-roots.js';
import { sqlOperation } from '../pipeline/normalize/sql-arguments.js';
import { shellArguments } from '../pipeline/shell/read-shell.js';
import type { ShellReader } from '../pipeline/shell/shell-reader.js';

/** The facts of `action` (whole: its arguments and payload are values, not stand-ins), kept as `handle`. */
export function keptFactsOf(action: Action, handle: number, shell: ShellReader): KeptFacts {
  const args = action.action.arguments;
  return {
    handle,
    canonicalArguments: bindsArguments(action) ? compute(() => canonicalJson(args)) : null,
    shellArguments: compute(() =>
      shellArguments(args, shell).map((a) => ({ path: a.path, reading: a.reading })),
    ),
    sqlOperation: compute(() => sqlOperation(args)),
    resourceUri: resourceUriArgument(args),
    approvalArguments: approvalArgumentsText(args),
    answer: answerParts(action.payload),
  };
}
