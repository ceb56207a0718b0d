/**
 * The bounds on what writ reads and inspects, defined once: the strict JSON parser, the leaf collector, the
 * decoder and the inspectors share them, so nothing the parser accepts is left uninspected. Reaching a bound
 * is never a silent stop: it is a deny with ERR_INSPECTION_LIMIT (docs/errors.md).
 */
import { WritError } from '../errors.js';

/** Every bound on inspection work; each one reached is ERR_INSPECTION_LIMIT. */
export const INSPECTION_LIMITS = Object.freeze({
  /**
   * JSON nesting: the strict parser refuses deeper documents (ERR_JSON_TOO_DEEP), and every walker over a
   * parsed value (leaf collector, JSON-in-a-string decoder, command finder) covers exactly this depth.
   */
  maxDepth: 128,
  /**
   * JSON nodes (every value, containers included, and every object key) in one document. The strict parser
   * stops at this count and the collector counts the arguments the same way; the URL query may hold as many
   * values again. It bounds the cost of one decision (measured in docs/performance-budget.md).
   */
  maxNodes: 50_000,
  /**
   * Decoding layers (URL in base64 in JSON ...) the decoder and the path normalizer unwrap; text that still
   * decodes to something new after this many layers is refused.
   */
  maxDecodeLayers: 8,
  /** Leaves the decoder may add to one request. */
  maxDecodedLeaves: 50_000,
  /** Characters of decoded text the decoder may add to one request. */
  maxDecodedChars: 4 * 1024 * 1024,
});

/** The error a reached bound throws: the decision is a deny with ERR_INSPECTION_LIMIT. */
export function inspectionLimit(message: string): WritError {
  return new WritError('ERR_INSPECTION_LIMIT', message);
}
