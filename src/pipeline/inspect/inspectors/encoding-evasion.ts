/** encoding-evasion: hidden text (tag characters, zero-width, bidi), homoglyph words, stacked encodings. */
import type { Finding, Severity } from '../../model/finding.js';
import { severityRank } from '../../model/finding.js';
import { makeFinding, type InspectionInput, type Inspector } from '../inspector.js';
import { leafTraits, NON_ASCII } from '../lib/leaf-traits.js';
import { orthographicJoiners } from '../lib/orthographic-joiners.js';
import { excerpt } from '../lib/redact.js';
import { TAGS } from '../tags.js';

const ID = 'encoding-evasion';
const tags = TAGS[ID];

/** Every Unicode tag character (U+E0000-E007F), written as surrogate pairs. */
const TAG_CHARS = /\udb40[\udc00-\udc7f]/g;
/**
 * The one legitimate use of tag characters: an emoji subdivision flag, U+1F3F4 followed by tag letters or
 * digits and ended by CANCEL TAG U+E007F (the flags of England, Scotland, Wales).
 */
const EMOJI_TAG_SEQUENCE = /\ud83c\udff4(?:\udb40[\udc20-\udc7e]){1,12}\udb40\udc7f/g;
const ZERO_WIDTH = /[\u200b-\u200d\u2060-\u2064\ufeff\u180e]/g;
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;
/** A word mixing Latin letters with Cyrillic or Greek lookalikes (`pаypal` with a Cyrillic `а`). */
const MIXED_SCRIPT = /(?:[a-zA-Z][\u0400-\u04ff\u0370-\u03ff]|[\u0400-\u04ff\u0370-\u03ff][a-zA-Z])/;

/** Flags text that hides or disguises what it says; the decoder has already added the revealed forms. */
export const encodingEvasionInspector: Inspector = {
  id: ID,
  version: '1.0.0',
  inspect(input: InspectionInput): readonly Finding[] {
    const out: Finding[] = [];
    for (let i = 0; i < input.leaves.length; i++) {
      const leaf = input.leaves[i]!;
      const v = leaf.value;
      if (leaf.decodedBy.length >= 3) {
        out.push(
          makeFinding(
            { id: ID },
            'nested-encoding',
            'medium',
            leaf.path,
            leaf.decodedBy.join('>'),
            tags,
            leaf.decodedBy.length,
          ),
        );
      }
      // Every check below needs a character outside ASCII.
      if ((leafTraits(input, i) & NON_ASCII) === 0) continue;
      // Tag characters outside an emoji flag spell invisible text (ASCII smuggling): even one or two are a
      // finding. (The earlier check required four and skipped U+E0000-E001F and U+E007F.)
      const tagCount = v.includes('\udb40')
        ? (v.replace(EMOJI_TAG_SEQUENCE, '').match(TAG_CHARS)?.length ?? 0)
        : 0;
      if (tagCount >= 1)
        out.push(
          makeFinding(
            { id: ID },
            'unicode-tags',
            tagCount >= 4 ? 'high' : 'medium',
            leaf.path,
            `${tagCount} tag characters`,
            tags,
            tagCount,
          ),
        );
      // Joiners inside Persian or Indic words are spelling (lib/orthographic-joiners.ts), not hidden text.
      const zw = (v.match(ZERO_WIDTH)?.length ?? 0) - orthographicJoiners(v);
      // One or two are emoji joiners and soft breaks; runs of them hide or split words.
      if (zw >= 3 && zw * 20 >= v.length / 10)
        out.push(
          makeFinding({ id: ID }, 'zero-width', 'medium', leaf.path, `${zw} zero-width characters`, tags, zw),
        );
      if (BIDI.test(v))
        out.push(makeFinding({ id: ID }, 'bidi-override', 'medium', leaf.path, excerpt(v), tags));
      if (MIXED_SCRIPT.test(v))
        out.push(makeFinding({ id: ID }, 'homoglyph', 'low', leaf.path, excerpt(v), tags));
    }
    return out;
  },
};

function onDecodedLeaf(f: Finding): boolean {
  return f.path.includes('#');
}

/** Findings of other inspectors on decoded leaves, restated as encoded attacks (one per path and kind). */
export function deriveEncodedAttackFindings(findings: readonly Finding[]): Finding[] {
  // PERF: most requests have no finding on a decoded leaf; skip building the sets.
  if (!findings.some(onDecodedLeaf)) return [];
  const out: Finding[] = [];
  const seen = new Set<string>();
  const plain = new Set(findings.filter((f) => !f.path.includes('#')).map((f) => `${f.id}@${f.path}`));
  for (const f of findings) {
    const hash = f.path.indexOf('#');
    if (hash === -1 || f.inspector === ID || severityRank(f.severity) < severityRank('medium')) continue;
    // Already visible without decoding: the encoding hid nothing.
    if (plain.has(`${f.id}@${f.path.slice(0, hash)}`)) continue;
    const key = `${f.id}@${f.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const severity: Severity = f.severity;
    out.push(
      makeFinding(
        { id: ID },
        'encoded-attack',
        severity,
        f.path,
        `${f.id} after ${f.path.slice(hash)}`,
        tags,
      ),
    );
  }
  return out;
}
