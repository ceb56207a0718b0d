/**
 * The arguments of a costly request stay on the inspection thread (issue 15 F7). Brought back whole, a
 * worst-case body's ~25,000 keys cost the main thread a structured clone, a freeze, a canonical serialization
 * for the token and a garbage collection of it all: single slices of 20-120 ms that every other call waited
 * behind. The thread that parsed them keeps them (src/inspect-worker/) and answers, besides the rest of the
 * action, what the main thread's stages read of them: the canonical JSON the token binds, the command lines
 * and SQL policy reads, the text an approval shows. In the action the main thread holds, `arguments` and
 * `payload` are stand-ins carrying those facts.
 *
 * SECURITY: a stand-in answers nothing else. Any other read of it (a key, its keys, its prototype, JSON of it)
 * throws ERR_ARGUMENTS_ON_THREAD, so a stage that reads arguments without going through these facts denies the
 * call instead of seeing an empty object. The facts are computed by the same functions the main thread runs on
 * a whole action (src/inspect-worker/kept-facts.ts); test/inspect/kept-arguments.prop.test.ts holds the two equal.
 */
import { types } from 'node:util';
import { WritError, type ReasonCode } from './errors.js';
import type { JsonValue } from './model/json.js';
import type { OperationClass } from './model/action.js';
import type { ShellReading } from './shell/syntax.js';

/**
 * What a costly request's normalization on the thread answers of its arguments and payload: `no`, the values
 * themselves; `until-inspected`, stand-ins, the thread keeping the values until it inspects them (the check
 * role); `facts-only`, stand-ins, the values dropped there (a role that inspects nothing: verify).
 */
export type KeepArguments = 'no' | 'until-inspected' | 'facts-only';

/** A fact, or the WritError reading it raised on the thread (raised again where the main thread reads it). */
export type Computed<T> =
  { readonly value: T } | { readonly error: { readonly code: ReasonCode; readonly message: string } };

/** What the main thread reads of a costly request's arguments and payload, read there by the thread. */
export interface KeptFacts {
  /** The thread's key of the kept action; inspection there is asked by it. */
  readonly handle: number;
  /** RFC 8785 JSON of the arguments: the envelope binds it for an MCP tools/call (null otherwise). */
  readonly canonicalArguments: Computed<string> | null;
  /** `shellArguments(arguments)`: every command line with its bash reading. */
  readonly shellArguments: Computed<readonly { readonly path: string; readonly reading: ShellReading }[]>;
  /** `sqlOperation(arguments)`, as policy reads it. */
  readonly sqlOperation: Computed<OperationClass | null>;
  /** `arguments.uri` when the arguments are an object holding a string there (resource.within_roots). */
  readonly resourceUri: string | null;
  /** The arguments as an approval shows them (`approvalArgumentsText`). */
  readonly approvalArguments: string;
  /** What answer matching reads of the payload; null when the payload is not a JSON object. */
  readonly answer: {
    readonly id: string | number | null;
    /** `result.roots[].uri` strings when `result.roots` is a list; null otherwise. */
    readonly rootUris: readonly string[] | null;
  } | null;
}

/** The one key a stand-in answers: its facts. */
const FACTS = Symbol('writ.kept-facts');

function refuse(what: string): never {
  throw new WritError(
    'ERR_ARGUMENTS_ON_THREAD',
    `a stage read the ${what} of arguments kept on the inspection thread, which only their precomputed facts answer`,
  );
}

/**
 * A stand-in for the arguments or the payload of an action whose values stay on the thread. Frozen, and every
 * read but of its facts throws (a stage that was not prepared for it denies rather than reads nothing).
 */
export function keptStandIn(facts: KeptFacts): JsonValue {
  const target = Object.freeze(Object.create(null) as object);
  const proxy = new Proxy(target, {
    get: (_t, key) => (key === FACTS ? facts : refuse(`member ${String(key)}`)),
    has: () => refuse('members'),
    ownKeys: () => refuse('keys'),
    getOwnPropertyDescriptor: () => refuse('members'),
    getPrototypeOf: () => refuse('prototype'),
    set: () => refuse('members'),
    defineProperty: () => refuse('members'),
    deleteProperty: () => refuse('members'),
    setPrototypeOf: () => refuse('prototype'),
  });
  return proxy as JsonValue;
}

/** The facts of a stand-in, or undefined for a value that is one (read the value itself). */
export function keptFacts(value: unknown): KeptFacts | undefined {
  // isProxy runs no trap: a parsed JSON value is never a proxy, so only a stand-in is asked for its facts.
  if (typeof value !== 'object' || value === null || !types.isProxy(value)) return undefined;
  return (value as { [FACTS]?: KeptFacts })[FACTS];
}

/** True for a stand-in (deepFreeze leaves it: it is frozen already, and its keys are not to be read). */
export function isKeptStandIn(value: unknown): boolean {
  return keptFacts(value) !== undefined;
}

/** The value of a fact, or its WritError thrown as the main thread's own reading would have thrown it. */
export function settled<T>(fact: Computed<T>): T {
  if ('value' in fact) return fact.value;
  throw new WritError(fact.error.code, fact.error.message);
}

/** A fact computed by `read`: its value, or the WritError it threw (any other error propagates). */
export function compute<T>(read: () => T): Computed<T> {
  try {
    return { value: read() };
  } catch (err) {
    if (err instanceof WritError) return { error: { code: err.code, message: err.message } };
    throw err;
  }
}
