// `node --import tsx bench/cpu-profile.ts <file.cpuprofile> [--top 25]`: the functions with the most self time in a V8 CPU profile.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { z } from 'zod';
import { FlagError, parseFlags, positiveInteger, runCommand, type FlagSpec } from '../src/cli/args.js';

/** The parts of a `.cpuprofile` (what `node --cpu-prof` writes) this reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  function: string;
  where: string;
  selfMs: number;
  /** Share of all sampled time. */
  percent: number;
}

/** Where code lives, grouped so the summary says which layer spends the time. */
export function layerOf(url: string): string {
  if (url === '') return 'native/V8';
  if (url.startsWith('node:')) return 'node';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match?.[1]) return match[1];
  if (url.includes('/src/')) return 'order-saga';
  return 'other';
}

/**
 * Self time per function (samples whose top frame is that function, weighted by the time between samples), merged
 * by name and location, largest first; and the same by layer (package, Node, V8, our code).
 */
export function summarizeProfile(
  profile: CpuProfile,
  top = 25,
): { total: number; functions: SelfTime[]; layers: SelfTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (samples.length > 0) {
    samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0)));
  } else {
    const per =
      (profile.endTime - profile.startTime) /
      Math.max(
        1,
        profile.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0),
      );
    for (const n of profile.nodes) selfUs.set(n.id, (n.hitCount ?? 0) * per);
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const functions = new Map<string, SelfTime>();
  const layers = new Map<string, SelfTime>();
  const cwd = process.cwd();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.startsWith('file://') ? relative(cwd, new URL(url).pathname) : url;
    const name = functionName || '(anonymous)';
    const where = file ? `${file}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const entry = functions.get(key) ?? { function: name, where, selfMs: 0, percent: 0 };
    entry.selfMs += us / 1000;
    functions.set(key, entry);
    const layer = /^\((idle|program|garbage collector)\)$/.test(name) ? name : layerOf(url);
    const l = layers.get(layer) ?? { function: layer, where: '', selfMs: 0, percent: 0 };
    l.selfMs += us / 1000;
    layers.set(layer, l);
  }
  const finish = (list: SelfTime[]) =>
    list
      .map((e) => ({
        ...e,
        selfMs: Math.round(e.selfMs),
        percent: total > 0 ? Math.round(((e.selfMs * 1000) / total) * 1000) / 10 : 0,
      }))
      .sort((a, b) => b.selfMs - a.selfMs);
  return {
    total: Math.round(total / 1000),
    functions: finish([...functions.values()]).slice(0, top),
    layers: finish([...layers.values()]),
  };
}

const flags = { top: { type: 'string', help: 'how many functions to list (default 25)' } } satisfies FlagSpec;

function main(argv: string[]): void {
  const file = argv[0];
  if (!file || file.startsWith('--')) throw new FlagError('<file.cpuprofile>', '<file.cpuprofile>: is required');
  const { top } = parseFlags(argv.slice(1), flags, z.object({ top: positiveInteger(1_000).default(25) }));
  const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top);
  console.log(`${file}: ${summary.total} ms sampled`);
  console.log('\nby layer (self time):');
  for (const l of summary.layers)
    console.log(`  ${String(l.percent).padStart(5)}%  ${String(l.selfMs).padStart(7)} ms  ${l.function}`);
  console.log(`\ntop ${top} functions by self time:`);
  for (const f of summary.functions) {
    console.log(`  ${String(f.percent).padStart(5)}%  ${String(f.selfMs).padStart(7)} ms  ${f.function}  ${f.where}`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  runCommand(
    {
      name: 'cpu-profile',
      usage: 'node --import tsx bench/cpu-profile.ts <file.cpuprofile> [--top 25]',
      summary: 'The functions with the most self time in a V8 CPU profile, and the self time of each layer.',
      flags,
    },
    (argv) => Promise.resolve().then(() => main(argv)),
  );
}
