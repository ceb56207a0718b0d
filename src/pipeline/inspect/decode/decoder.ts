/** The decoder interface: one stateless transform per encoding, applied by expandLeaves with bounds. */

/** One decoded form of a leaf value; `suffix` extends the leaf path (`#base64`, `#json.user.email`). */
export interface DecodedPart {
  readonly suffix: string;
  readonly value: string;
  /** The key for the new leaf; defaults to the original leaf's key. */
  readonly key?: string;
}

/** The empty answer, shared: most values have nothing to decode, and callers only read it. */
export const NO_PARTS: readonly DecodedPart[] = Object.freeze([]);

/** A decoder: returns the decoded forms of a value, or an empty array when it does not apply. */
export interface Decoder {
  /** Stable name used in `decodedBy` and in path suffixes. */
  readonly name: string;
  decode(value: string): readonly DecodedPart[];
}
