// questions.mjs: every question a golden case is asked can change its answer.
//
// A result's `questions` are the facts whose answers are still open (format.md
// §2.4).  A question is worth asking only when some answer to it changes the
// verdict, a material or its status, a limit, the fee, the deposit, a date or
// who may apply.  For every golden case (tests/cases/**/NAME.json, not the
// refused ones) and every question of its result, this test answers the
// question with each value of its type (every word of a vocabulary, yes and
// no, a spread of numbers and of dates around the case's date), first with
// the other questions left open, then, while no difference has shown, with
// the other questions answered at random (a fixed seed: the same draws every
// run), in rounds of 1, 20, 100 and 400 draws.  A question whose answers never
// change any of those members fails the test, with the case and the fact.
//
// Everything runs through `permitdesk check --batch --view summary` (one
// process a round).  Text facts (a nationality) are not varied.
// Environment: PERMITDESK (the binary), PD_SRC (the source root).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.env.PD_SRC;
const bin = process.env.PERMITDESK;
if (!root || !bin) {
  console.log('PERMITDESK and PD_SRC must be set');
  process.exit(1);
}
const env = { ...process.env, PERMITDESK_TODAY: '2026-11-22' };

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

// One batch run: one result (or error line) per case, in order.  The exit
// code is 65 when a line was refused (an answer out of a fact's range).
function check(cases) {
  if (!cases.length) return [];
  const run = spawnSync(bin, ['check', '--batch', '--view', 'summary', '-'], {
    input: cases.map((c) => JSON.stringify(c)).join('\n') + '\n',
    encoding: 'utf8', env, maxBuffer: 1 << 30,
  });
  if (run.status !== 0 && run.status !== 65) {
    console.log(`FAIL permitdesk check --batch: exit ${run.status}${run.signal ? ` (${run.signal})` : ''}: ${run.stderr}`);
    process.exit(1);
  }
  const out = run.stdout.split('\n');
  return cases.map((_, i) => JSON.parse(out[i]));
}

// What an answer may change: everything but the findings, questions, notices
// and offices (which follow from these) and the echo.
const project = (r) =>
  r.error ? 'error' : JSON.stringify([r.verdict, r.materials, r.limits, r.fee, r.deposit, r.dates, r.representation]);

const facts = new Map(JSON.parse(execFileSync(bin, ['facts'], { encoding: 'utf8' })).facts.map((f) => [f.path, f]));

function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// The answers tried for a fact, or null for a fact that is not varied.
function answers(path, c) {
  const f = facts.get(path);
  if (!f) return null;
  switch (f.type) {
    case 'boolean': return [true, false];
    case 'enum': return f.values.map((v) => v.value);
    case 'integer': return [0, 1, 7, 30, 90, 179, 180, 365, 730, 1826, 3650];
    case 'date': {
      const day = /^\d{4}-\d{2}-\d{2}$/.test(c.date || '') ? c.date : '2026-11-22';
      return [-3650, -400, -31, -1, 0, 1, 7, 30, 31, 90, 200, 400, 2000].map((n) => addDays(day, n));
    }
    default: return null;
  }
}

function set(c, path, v) {
  const parts = path.split('.');
  let o = c;
  for (const p of parts.slice(0, -1)) {
    if (o[p] === null || typeof o[p] !== 'object') o[p] = {};
    o = o[p];
  }
  o[parts.at(-1)] = v;
}

// A small seeded generator (mulberry32), so that every run draws the same.
let seed = 0x5eed;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(random() * a.length)];

// ---- the golden cases and their questions ----
const casesDir = join(root, 'tests', 'cases');
const golden = [];
for (const file of walk(casesDir)) {
  if (!file.endsWith('.json') || file.endsWith('.expected.json')) continue;
  if (existsSync(file.replace(/\.json$/, '.expected.err'))) continue;
  golden.push({ file, c: JSON.parse(readFileSync(file, 'utf8')) });
}
const first = check(golden.map((g) => g.c));

let open = []; // { g, q, values, others } still to show a difference
let asked = 0, notVaried = 0;
golden.forEach((g, i) => {
  const qs = first[i].questions || [];
  for (const q of qs) {
    asked++;
    const values = answers(q, g.c);
    if (!values) { notVaried++; continue; }
    const others = qs.filter((o) => o !== q).map((o) => [o, answers(o, g.c)]).filter(([, v]) => v);
    open.push({ g, q, values, others });
  }
});

for (const draws of [0, 1, 20, 100, 400]) {
  if (!open.length) break;
  const batch = [], owner = [];
  for (const item of open) {
    for (let d = 0; d < Math.max(draws, 1); d++) {
      if (draws > 0 && !item.others.length) break;
      const base = structuredClone(item.g.c);
      if (draws > 0) for (const [o, vs] of item.others) if (random() < 0.8) set(base, o, pick(vs));
      for (const v of item.values) {
        const c = structuredClone(base);
        set(c, item.q, v);
        batch.push(c);
        owner.push([item, d]);
      }
    }
  }
  const results = check(batch);
  const seen = new Map(); // item -> Map(draw -> Set(projection))
  results.forEach((r, i) => {
    const [item, d] = owner[i];
    if (!seen.has(item)) seen.set(item, new Map());
    const byDraw = seen.get(item);
    if (!byDraw.has(d)) byDraw.set(d, new Set());
    byDraw.get(d).add(project(r));
  });
  open = open.filter((item) => ![...(seen.get(item) || new Map()).values()].some((s) => s.size > 1));
}

for (const item of open)
  console.log(`FAIL ${relative(root, item.g.file)}: no answer to ${item.q} changes the verdict, a material, a limit, the fee, the deposit, a date or who may apply`);
console.log(`questions: ${golden.length} cases, ${asked} questions, ${asked - notVaried - open.length} shown to matter, ${notVaried} text facts not varied, ${open.length} that change nothing`);
if (golden.length < 100 || asked < 50) {
  console.log('FAIL too few cases or questions found: is PD_SRC right?');
  process.exit(1);
}
process.exit(open.length ? 1 : 0);
