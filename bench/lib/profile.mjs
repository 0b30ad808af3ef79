// Summarises a V8 .cpuprofile: self time per function and per area (our code, each dependency, Node, GC, idle).
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './common.mjs';

function areaOf(url, fn) {
  if (!url) {
    if (fn === '(garbage collector)') return 'GC';
    if (fn === '(idle)') return 'idle';
    if (fn === '(program)') return 'V8/native (program)';
    return 'native';
  }
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 14).split('/');
    return 'dep: ' + (rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]);
  }
  if (u.startsWith('node:')) return 'node: ' + u.slice(5).split('/')[0];
  if (u.startsWith(ROOT)) return 'ours: ' + path.relative(ROOT, u).replace(/^dist\//, '').split('/').slice(0, 2).join('/');
  return 'other';
}

/** Monotonic clock in microseconds: the clock of V8's profile timestamps (CLOCK_MONOTONIC on Linux). */
export const monoUs = () => Number(process.hrtime.bigint() / 1000n);

/** `window` [fromUs, toUs] (monoUs) keeps only the samples taken under load, not start-up. */
export function summarizeProfile(file, top = 15, window = null) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  let at = prof.startTime;
  const inWindow = window && window[0] >= prof.startTime && window[1] <= prof.endTime + 1e6;
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i] ?? 0;
    at += dt;
    if (inWindow && (at < window[0] || at > window[1])) continue;
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const fns = new Map();
  const areas = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const url = cf.url ?? '';
    const short = url ? `${path.relative(ROOT, url.replace(/^file:\/\//, '')).replace(/^dist\//, '').replace(/^node_modules\//, '')}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'} ${short}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const a = areaOf(url, cf.functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
  }
  const idle = areas.get('idle') ?? 0;
  const busy = total - idle;
  const rows = (m) => [...m].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: Math.round(us / 1000), pctOfBusy: Math.round((1000 * us) / Math.max(1, busy)) / 10 }));
  return {
    file: path.relative(ROOT, file), window: inWindow ? 'load only' : 'whole process (start-up included)', totalMs: Math.round(total / 1000), busyMs: Math.round(busy / 1000),
    topFunctions: rows(fns).filter((r) => r.name !== '(idle)').slice(0, top),
    areas: rows(areas).filter((r) => r.name !== 'idle').slice(0, 14),
  };
}
