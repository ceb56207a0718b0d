/**
 * The architecture picture, generated from the code's own imports: dependency-cruiser writes the import
 * graph of src/ as DOT, folded to one box per area (docs/architecture.dot), and Graphviz draws it
 * (docs/architecture.svg, stamped with the DOT's SHA-256). Usage:
 *   node --import tsx scripts/architecture.ts          regenerate both files (needs Graphviz's `dot`)
 *   node --import tsx scripts/architecture.ts --check  fail when the committed picture is stale
 * The check compares the DOT, not the SVG bytes, since Graphviz versions lay the same graph out differently.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
export const DOT_FILE = join(ROOT, 'docs', 'architecture.dot');
export const SVG_FILE = join(ROOT, 'docs', 'architecture.svg');
/** One box per folder under src/ and per folder of the core; top-level files stay themselves. */
const COLLAPSE = '^src/(pipeline/)?[^/]+';

/** The import graph of src/ as dependency-cruiser's DOT, folded to areas. */
export function architectureDot(): string {
  return execFileSync(
    join(ROOT, 'node_modules', '.bin', 'depcruise'),
    [
      'src',
      '--config',
      '.dependency-cruiser.cjs',
      '--include-only',
      '^src',
      '--collapse',
      COLLAPSE,
      '-T',
      'dot',
    ],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
}

/** The stamp the SVG carries: which DOT it was drawn from. */
export function svgStamp(dot: string): string {
  return `<!-- drawn from docs/architecture.dot sha256:${createHash('sha256').update(dot).digest('hex')} -->`;
}

/** Why the committed picture is stale, or null when it is fresh. */
export function staleness(): string | null {
  const dot = architectureDot();
  if (readFileSync(DOT_FILE, 'utf8') !== dot) return 'docs/architecture.dot differs from the imports';
  if (!readFileSync(SVG_FILE, 'utf8').includes(svgStamp(dot)))
    return 'docs/architecture.svg was not drawn from docs/architecture.dot';
  return null;
}

function main(): void {
  if (process.argv.includes('--check')) {
    const why = staleness();
    if (why !== null) {
      console.error(`${why}: run \`npm run architecture\` and commit both files`);
      process.exit(1);
    }
    console.log('docs/architecture.{dot,svg} are fresh');
    return;
  }
  const dot = architectureDot();
  const svg = execFileSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
  writeFileSync(DOT_FILE, dot);
  writeFileSync(SVG_FILE, svg.replace(/(<svg\b)/, `${svgStamp(dot)}\n$1`));
  console.log(`wrote ${DOT_FILE} and ${SVG_FILE}`);
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) main();
