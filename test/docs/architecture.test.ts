/**
 * docs/architecture.svg is fresh: the DOT dependency-cruiser writes from today's imports equals the
 * committed docs/architecture.dot, and the SVG was drawn from that DOT (its stamp). Graphviz is not
 * needed here: the SVG bytes are never compared, since Graphviz versions lay the same graph out differently.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { architectureDot, DOT_FILE, SVG_FILE, svgStamp } from '../../scripts/architecture.js';

describe('docs/architecture', () => {
  it('is drawn from the imports as they are (run `npm run architecture` after moving code)', () => {
    const dot = architectureDot();
    expect(dot).toContain('digraph');
    expect(readFileSync(DOT_FILE, 'utf8')).toBe(dot);
    expect(readFileSync(SVG_FILE, 'utf8')).toContain(svgStamp(dot));
  }, 120_000);

  it('the stamp changes with the graph, so a stale SVG cannot pass', () => {
    const dot = readFileSync(DOT_FILE, 'utf8');
    expect(svgStamp(`${dot} `)).not.toBe(svgStamp(dot));
  });
});
