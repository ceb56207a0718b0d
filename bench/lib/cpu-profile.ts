/** Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`) into the functions with the most self time. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface HotFunction {
  readonly name: string;
  /** file:line relative to the repository (node_modules kept as is), or a V8 pseudo-frame. */
  readonly where: string;
  readonly selfMs: number;
  readonly share: number;
}

/** The `top` functions by self time; frames are merged by name and location across the call tree. */
export function summarizeProfile(
  file: string,
  repoRoot: string,
  top: number,
): { totalMs: number; functions: HotFunction[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) byId.set(n.id, n);
  const self = new Map<string, { name: string; where: string; us: number }>();
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    const dt = profile.timeDeltas[i] ?? 0;
    if (node === undefined) continue;
    totalUs += dt;
    const { functionName, url, lineNumber } = node.callFrame;
    const path = url.startsWith('file://') ? relative(repoRoot, new URL(url).pathname) : url;
    const where = path === '' ? '' : `${path}:${lineNumber + 1}`;
    const key = `${functionName}@${where}`;
    const entry = self.get(key) ?? { name: functionName === '' ? '(anonymous)' : functionName, where, us: 0 };
    entry.us += dt;
    self.set(key, entry);
  }
  const functions = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({
      name: e.name,
      where: e.where,
      selfMs: e.us / 1000,
      share: totalUs > 0 ? e.us / totalUs : 0,
    }));
  return { totalMs: totalUs / 1000, functions };
}

/** Self time grouped by package or source folder: where the CPU goes at a glance. */
export function summarizeByArea(file: string, repoRoot: string): { area: string; share: number }[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) byId.set(n.id, n);
  const areas = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    const dt = profile.timeDeltas[i] ?? 0;
    if (node === undefined) continue;
    total += dt;
    const area = areaOf(node.callFrame, repoRoot);
    areas.set(area, (areas.get(area) ?? 0) + dt);
  }
  return [...areas.entries()]
    .map(([area, us]) => ({ area, share: us / total }))
    .sort((a, b) => b.share - a.share);
}

function areaOf(frame: ProfileNode['callFrame'], repoRoot: string): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  if (!url.startsWith('file://')) return url;
  const path = relative(repoRoot, new URL(url).pathname);
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (nm !== null) return nm[1]!;
  const parts = path.split('/');
  return parts.slice(0, Math.min(parts.length - 1, 3)).join('/');
}
