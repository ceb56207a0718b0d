/** Decode-and-reinspect: adds a leaf for every decoded form of every leaf, recursively, within hard bounds. */
import type { StringLeaf } from '../inspector.js';
import { base64Decoder } from './base64-decoder.js';
import type { Decoder } from './decoder.js';
import { escapeDecoder } from './escape-decoder.js';
import { hexDecoder } from './hex-decoder.js';
import { htmlEntityDecoder } from './html-entity-decoder.js';
import { jsonDecoder } from './json-decoder.js';
import { unicodeFoldDecoder } from './unicode-fold.js';
import { urlDecoder } from './url-decoder.js';
import {
  B64_RUN,
  BRACKET,
  CONTROL,
  HEX_RUN,
  NON_ASCII,
  PERCENT,
  SLASH,
  traitsOf,
} from '../lib/leaf-traits.js';

/** Bounds on decoding: layers, added leaves and added characters, so a decompression-style bomb stays cheap. */
export const DECODE_LIMITS = {
  maxDepth: 4,
  maxAddedLeaves: 512,
  maxAddedChars: 2 * 1024 * 1024,
  maxInputChars: 1024 * 1024,
} as const;

/** The decoders, cheapest test first. */
export const DECODERS: readonly Decoder[] = [
  urlDecoder,
  htmlEntityDecoder,
  escapeDecoder,
  unicodeFoldDecoder,
  jsonDecoder,
  base64Decoder,
  hexDecoder,
];

/**
 * PERF: the character classes (`lib/leaf-traits.ts`) a decoder needs before it can change anything; a leaf
 * without them (plain prose, ids, names) skips that decoder's scan entirely.
 */
const NEEDS: Readonly<Record<string, number>> = {
  url: PERCENT,
  html: CONTROL,
  escape: SLASH,
  unicode: NON_ASCII,
  json: BRACKET,
  base64: B64_RUN,
  hex: HEX_RUN,
};
/** NEEDS by decoder position (0: no requirement). */
const NEEDED = DECODERS.map((d) => NEEDS[d.name] ?? 0);
/** Every class some decoder needs: a leaf with none of them decodes to nothing. */
const ANY_NEEDED = NEEDED.includes(0) ? -1 : NEEDED.reduce((a, b) => a | b, 0);

/** The expanded leaves, and whether a bound stopped decoding (itself a signal: padding to hide a payload). */
export interface ExpandedLeaves {
  readonly leaves: StringLeaf[];
  readonly exhausted: boolean;
  /** `traitsOf(leaves[i].value)` for every leaf, computed once here and reused by the inspectors. */
  readonly traits: Int32Array;
}

/** The original leaves followed by their decoded forms (each with `decodedBy` and a `#decoder` path suffix). */
export function expandLeaves(leaves: readonly StringLeaf[]): ExpandedLeaves {
  const out: StringLeaf[] = leaves.slice();
  const traits: number[] = [];
  for (let i = 0; i < leaves.length; i++) traits.push(traitsOf(leaves[i]!.value));
  let added = 0;
  let addedChars = 0;
  // PERF: the first frontier is the input itself and its traits the head of `traits` (only appended to).
  let frontier: readonly StringLeaf[] = leaves;
  let frontierTraits: readonly number[] = traits;
  for (let depth = 0; depth < DECODE_LIMITS.maxDepth && frontier.length > 0; depth++) {
    const next: StringLeaf[] = [];
    const nextTraits: number[] = [];
    for (let f = 0; f < frontier.length; f++) {
      const leaf = frontier[f]!;
      const mask = frontierTraits[f] ?? 0;
      if ((mask & ANY_NEEDED) === 0) continue;
      if (leaf.value.length > DECODE_LIMITS.maxInputChars || leaf.path.endsWith('#key')) continue;
      for (let d = 0; d < DECODERS.length; d++) {
        const decoder = DECODERS[d]!;
        const needs = NEEDED[d]!;
        if (needs !== 0 && (mask & needs) === 0) continue;
        // Unicode folding of an already folded value, or JSON of a JSON leaf, cannot reveal more.
        if (leaf.decodedBy[leaf.decodedBy.length - 1] === decoder.name && decoder.name !== 'url') continue;
        const parts = decoder.decode(leaf.value);
        // An indexed loop: `for...of` over the shared frozen empty result allocates an iterator result.
        for (let p = 0; p < parts.length; p++) {
          const part = parts[p]!;
          if (part.value === leaf.value || part.value.length === 0) continue;
          if (
            added >= DECODE_LIMITS.maxAddedLeaves ||
            addedChars + part.value.length > DECODE_LIMITS.maxAddedChars
          ) {
            return { leaves: out, exhausted: true, traits: Int32Array.from(traits) };
          }
          const child: StringLeaf = {
            path: `${leaf.path}${part.suffix}`,
            key: part.key ?? leaf.key,
            value: part.value,
            source: leaf.source,
            decodedBy: [...leaf.decodedBy, decoder.name],
          };
          const childTraits = traitsOf(part.value);
          out.push(child);
          traits.push(childTraits);
          next.push(child);
          nextTraits.push(childTraits);
          added++;
          addedChars += part.value.length;
        }
      }
    }
    frontier = next;
    frontierTraits = nextTraits;
  }
  return { leaves: out, exhausted: frontier.length > 0, traits: Int32Array.from(traits) };
}
