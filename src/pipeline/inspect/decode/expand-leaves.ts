/**
 * Decode-and-reinspect: adds a leaf for every decoded form of every leaf, recursively. Decoding is complete or
 * the request is refused: past INSPECTION_LIMITS (layers, added leaves, added text) it throws ERR_INSPECTION_LIMIT.
 */
import { INSPECTION_LIMITS, inspectionLimit } from '../../model/inspection-limits.js';
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

const {
  maxDecodeLayers: MAX_LAYERS,
  maxDecodedLeaves: MAX_LEAVES,
  maxDecodedChars: MAX_CHARS,
} = INSPECTION_LIMITS;

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

/** The original leaves and every decoded form of them. */
export interface ExpandedLeaves {
  readonly leaves: StringLeaf[];
  /** `traitsOf(leaves[i].value)` for every leaf, computed once here and reused by the inspectors. */
  readonly traits: Int32Array;
}

/** The decoded forms of one leaf, each with the decoder that produced it (decoders its traits allow only). */
function decodeLeaf(
  leaf: StringLeaf,
  mask: number,
  each: (decoder: string, suffix: string, value: string, key: string | undefined) => void,
): void {
  if ((mask & ANY_NEEDED) === 0 || leaf.path.endsWith('#key')) return;
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
      each(decoder.name, part.suffix, part.value, part.key);
    }
  }
}

/**
 * The original leaves followed by their decoded forms (each with `decodedBy` and a `#decoder` path suffix).
 * Throws ERR_INSPECTION_LIMIT (WritError) when decoding would go past INSPECTION_LIMITS.
 */
export function expandLeaves(leaves: readonly StringLeaf[]): ExpandedLeaves {
  const out: StringLeaf[] = leaves.slice();
  const traits: number[] = [];
  for (let i = 0; i < leaves.length; i++) traits.push(traitsOf(leaves[i]!.value));
  let added = 0;
  let addedChars = 0;
  // PERF: the first frontier is the input itself and its traits the head of `traits` (only appended to).
  let frontier: readonly StringLeaf[] = leaves;
  let frontierTraits: readonly number[] = traits;
  for (let depth = 0; depth < MAX_LAYERS && frontier.length > 0; depth++) {
    const next: StringLeaf[] = [];
    const nextTraits: number[] = [];
    for (let f = 0; f < frontier.length; f++) {
      const leaf = frontier[f]!;
      decodeLeaf(leaf, frontierTraits[f] ?? 0, (decoder, suffix, value, key) => {
        // SECURITY: a bound reached refuses the request; a partly decoded request would hide the rest.
        if (++added > MAX_LEAVES) throw inspectionLimit(`decoding adds more than ${MAX_LEAVES} leaves`);
        addedChars += value.length;
        if (addedChars > MAX_CHARS) throw inspectionLimit(`decoding adds more than ${MAX_CHARS} characters`);
        const child: StringLeaf = {
          path: `${leaf.path}${suffix}`,
          key: key ?? leaf.key,
          value,
          source: leaf.source,
          decodedBy: [...leaf.decodedBy, decoder],
        };
        const childTraits = traitsOf(value);
        out.push(child);
        traits.push(childTraits);
        next.push(child);
        nextTraits.push(childTraits);
      });
    }
    frontier = next;
    frontierTraits = nextTraits;
  }
  // The last layer's leaves were never decoded: if any of them still decodes, there is more than was read.
  for (let f = 0; f < frontier.length; f++) {
    decodeLeaf(frontier[f]!, frontierTraits[f] ?? 0, () => {
      throw inspectionLimit(`text is still encoded after ${MAX_LAYERS} decoding layers`);
    });
  }
  return { leaves: out, traits: Int32Array.from(traits) };
}
