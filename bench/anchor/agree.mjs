// How far the anchor's results agree with permitdesk's summary view, case by
// case, over the cases permitdesk decides (a verdict other than "unknown": the
// anchor reads an unknown fact as false and has no such verdict).
//
//   node bench/anchor/agree.mjs SUMMARY.jsonl ANCHOR.jsonl
import fs from 'node:fs';

const [pdFile, anchorFile] = process.argv.slice(2);
if (!pdFile || !anchorFile) {
	process.stderr.write('usage: node agree.mjs SUMMARY.jsonl ANCHOR.jsonl\n');
	process.exit(2);
}
const lines = (f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
const pd = lines(pdFile), an = lines(anchorFile);
if (pd.length !== an.length) {
	process.stderr.write(`agree.mjs: ${pd.length} results against ${an.length}\n`);
	process.exit(1);
}
const same = { verdict: 0, max_days: 0, materials: 0 };
let decided = 0;
for (let i = 0; i < pd.length; i++) {
	const p = pd[i], a = an[i];
	if (!p.verdict || p.verdict === 'unknown') continue;
	decided++;
	if (p.verdict === a.verdict) same.verdict++;
	if (((p.limits && p.limits.max_days) ?? null) === a.max_days) same.max_days++;
	const ids = (ms) => ms.map((m) => `${m.id}:${m.status}`).sort().join(' ');
	if (ids(p.materials) === ids(a.materials)) same.materials++;
}
const pct = (k) => `${same[k]} (${((100 * same[k]) / Math.max(decided, 1)).toFixed(1)}%)`;
console.log(`   of the ${decided} of ${pd.length} cases permitdesk decides, the anchor gives the same verdict in ${pct('verdict')}, ` +
	`the same longest stay in ${pct('max_days')}, the same materials and statuses in ${pct('materials')}`);
