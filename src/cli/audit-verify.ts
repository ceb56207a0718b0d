/** `writ audit verify FILE`: streams a hash-chained audit log and names the first bad record. */
import { createReadStream } from 'node:fs';
import { ChainVerifier, type ChainVerdict } from '../pipeline/trace/hash-chain.js';

/** Verifies a log file line by line (constant memory); reports progress every `progressEvery` records. */
export async function verifyAuditFile(
  path: string,
  onProgress?: (records: number) => void,
  progressEvery = 100_000,
): Promise<ChainVerdict> {
  const verifier = new ChainVerifier();
  let pending = '';
  let count = 0;
  let stopped = false;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    pending += chunk as string;
    let nl: number;
    while ((nl = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (!verifier.push(line)) {
        stopped = true;
        break;
      }
      if (++count % progressEvery === 0) onProgress?.(count);
    }
    if (stopped) break;
  }
  // Bytes after the last newline are a torn write: reported, never accepted.
  if (!stopped && pending.length > 0) verifier.tornTail();
  return verifier.result();
}

/** Runs the command; returns the exit code (0 intact, 1 tampered or torn, 2 unreadable). */
export async function runAuditVerify(
  path: string,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  let verdict: ChainVerdict;
  try {
    verdict = await verifyAuditFile(path, (n) => err.write(`verified ${n} records...\n`));
  } catch (e) {
    err.write(`writ audit verify: cannot read "${path}": ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  if (verdict.ok) {
    out.write(`ok: ${verdict.records} records, chain intact, head ${verdict.lastHash}\n`);
    return 0;
  }
  const bad = verdict.firstBad!;
  out.write(
    `FAILED at line ${bad.line} (${bad.problem}): ${bad.detail}; ${verdict.records} records before it verified\n`,
  );
  return 1;
}
