// The benchmark's anchor: permitdesk's policy rules run on json-rules-engine.
//
//   node bench/anchor/anchor.mjs POLICY_DIR CASES.jsonl > results.jsonl
//
// Reads the packs a batch needs (national, and zhejiang over it: the packs
// `bench/gen_cases` writes cases for) from their YAML, as permitdesk does,
// with inheritance (a city rule of the same id replaces the national one,
// the city's pack.yaml `drop` list removes inherited ones), and turns every
// rule into json-rules-engine rules:
//
//   - a rule's `when` (and a table row's key, a `first` row's `when` and the
//     negation of the rows before it) becomes the rule's conditions: `all`,
//     `any` and `not` for and/or/not, and leaves on the case's facts by path
//     (`{fact: "application.visa_type", operator: "equal", value: "Q2"}`:
//     equal, notEqual, in, notIn, lessThan, ...; the case is given to the
//     engine flattened, one fact a path);
//   - a comparison that needs arithmetic, dates or a function (`date >
//     applicant.status.expiry - 7d`, `known(...)`, `provided(...)`) becomes a
//     leaf on a computed fact of its own, evaluated from the case in the
//     almanac;
//   - a `check` becomes a second engine rule, its `when` and `not check`,
//     whose event says the check failed.
//
// For each case the engine runs every rule of its jurisdiction's pack and the
// events are folded as permitdesk folds its effects: materials merged by id
// with their status from the case's documents, the smallest limit and
// apply-by, the last fee, processing and receipt, the strongest
// representation, the failed checks, and a verdict (ineligible, incomplete,
// eligible).  One JSON line a case goes out: the figures and rule ids, no
// texts.
//
// What it leaves out, so that it does less than permitdesk, never more:
// unknown facts are false here (json-rules-engine's logic has two values: no
// questions, no conditional materials), documents are not checked for age or
// validity, dates are not moved off rest days, and the identity-number and
// machine-readable-zone functions check only the shape of what is given.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import yaml from 'js-yaml';
import { Engine } from 'json-rules-engine';

// ---- the packs ----
function loadPack(dir, id) {
	const pdir = path.join(dir, id);
	const meta = yaml.load(fs.readFileSync(path.join(pdir, 'pack.yaml'), 'utf8'));
	let rules = [];
	if (meta.extends) rules = loadPack(dir, meta.extends).rules.filter((r) => !(meta.drop || []).includes(r.id));
	for (const f of fs.readdirSync(pdir).sort()) {
		if (!f.endsWith('.yaml') || f === 'pack.yaml') continue;
		const doc = yaml.load(fs.readFileSync(path.join(pdir, f), 'utf8'));
		const list = Array.isArray(doc) ? doc : (doc && doc.rules) || [];
		for (const r of list) {
			if (!r || !r.id) continue;
			const i = rules.findIndex((x) => x.id === r.id);
			if (i >= 0) rules[i] = r;
			else rules.push(r);
		}
	}
	return { id, rules };
}

// ---- the condition language: tokens, then a parse tree ----
function tokenize(src) {
	const re = /\s*(?:(\d{4}-\d{2}-\d{2})|(\d+)([dwmy])\b|(\d+)|("(?:[^"\\]|\\.)*")|(==|!=|<=|>=|<|>|\+|-|\*|\/|\(|\)|\[|\]|,)|([A-Za-z_][A-Za-z0-9_.]*))/y;
	const out = [];
	let m;
	re.lastIndex = 0;
	while (re.lastIndex < src.length) {
		const at = re.lastIndex;
		if (!(m = re.exec(src))) {
			if (/^\s*$/.test(src.slice(at))) break;
			throw new Error(`cannot read "${src.slice(at)}" in: ${src}`);
		}
		if (m[1]) out.push({ t: 'date', v: m[1] });
		else if (m[2]) out.push({ t: 'dur', n: +m[2], u: m[3] });
		else if (m[4]) out.push({ t: 'num', v: +m[4] });
		else if (m[5]) out.push({ t: 'str', v: JSON.parse(m[5]) });
		else if (m[6]) out.push({ t: 'op', v: m[6] });
		else out.push({ t: 'word', v: m[7] });
	}
	return out;
}

function parse(src) {
	if (typeof src === 'boolean') return { k: 'lit', v: src };
	const toks = tokenize(String(src));
	let i = 0;
	const peek = () => toks[i];
	const isOp = (v) => peek() && peek().t === 'op' && peek().v === v;
	const isWord = (v) => peek() && peek().t === 'word' && peek().v === v;
	const expect = (v) => {
		if (!isOp(v)) throw new Error(`expected ${v} in: ${src}`);
		i++;
	};
	function or() {
		let l = and();
		while (isWord('or')) { i++; l = { k: 'or', a: [l, and()] }; }
		return l;
	}
	function and() {
		let l = not();
		while (isWord('and')) { i++; l = { k: 'and', a: [l, not()] }; }
		return l;
	}
	function not() {
		if (isWord('not')) { i++; return { k: 'not', a: not() }; }
		return cmp();
	}
	function cmp() {
		const l = add();
		const p = peek();
		if (p && p.t === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(p.v)) {
			i++;
			return { k: 'cmp', op: p.v, l, r: add() };
		}
		if (isWord('in')) { i++; return { k: 'in', neg: false, l, r: add() }; }
		if (isWord('not') && toks[i + 1] && toks[i + 1].v === 'in') {
			i += 2;
			return { k: 'in', neg: true, l, r: add() };
		}
		return l;
	}
	function add() {
		let l = mul();
		while (isOp('+') || isOp('-')) { const op = toks[i++].v; l = { k: 'arith', op, l, r: mul() }; }
		return l;
	}
	function mul() {
		let l = unary();
		while (isOp('*') || isOp('/')) { const op = toks[i++].v; l = { k: 'arith', op, l, r: unary() }; }
		return l;
	}
	function unary() {
		if (isOp('-')) { i++; return { k: 'arith', op: '-', l: { k: 'lit', v: 0 }, r: unary() }; }
		return primary();
	}
	function primary() {
		const p = toks[i++];
		if (!p) throw new Error(`unexpected end of: ${src}`);
		if (p.t === 'op' && p.v === '(') { const e = or(); expect(')'); return e; }
		if (p.t === 'op' && p.v === '[') {
			const items = [];
			while (!isOp(']')) { items.push(or()); if (isOp(',')) i++; }
			i++;
			return { k: 'list', items };
		}
		if (p.t === 'num' || p.t === 'str') return { k: 'lit', v: p.v };
		if (p.t === 'date') return { k: 'date', v: dayNumber(p.v) };
		if (p.t === 'dur') return { k: 'dur', n: p.n, u: p.u };
		if (p.t === 'word') {
			if (p.v === 'true' || p.v === 'false') return { k: 'lit', v: p.v === 'true' };
			if (isOp('(')) {
				i++;
				const args = [];
				while (!isOp(')')) { args.push(or()); if (isOp(',')) i++; }
				i++;
				return { k: 'call', f: p.v, args };
			}
			return { k: 'path', p: p.v };
		}
		throw new Error(`unexpected ${p.v} in: ${src}`);
	}
	const e = or();
	if (i !== toks.length) throw new Error(`left over in: ${src}`);
	return e;
}

// ---- values: dates as day numbers, durations counted from a date ----
function dayNumber(s) {
	if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return undefined;
	return Math.floor(Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10)) / 86400000);
}
function addDuration(day, n, u, sign) {
	if (u === 'd') return day + sign * n;
	if (u === 'w') return day + sign * 7 * n;
	const d = new Date(day * 86400000);
	const months = (u === 'm' ? n : 12 * n) * sign;
	let y = d.getUTCFullYear(), mo = d.getUTCMonth() + months;
	y += Math.floor(mo / 12);
	mo = ((mo % 12) + 12) % 12;
	const last = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
	return Math.floor(Date.UTC(y, mo, Math.min(d.getUTCDate(), last)) / 86400000);
}
const DATE_FIELDS = /(^date$|expiry$|_date$|^.*\.issued$)/;
function getPath(c, p) {
	let v = c;
	for (const part of p.split('.')) {
		if (v == null) return undefined;
		v = v[part];
	}
	if (typeof v === 'string' && DATE_FIELDS.test(p)) return { date: dayNumber(v) };
	return v;
}
const dateOf = (v) => (v && typeof v === 'object' && 'date' in v ? v.date : undefined);

// Evaluates a parse tree against a case (two values: undefined compares false).
function evaluate(e, c) {
	switch (e.k) {
	case 'lit': return e.v;
	case 'date': return { date: e.v };
	case 'dur': return e;
	case 'list': return e.items.map((x) => evaluate(x, c));
	case 'path': return getPath(c, e.p);
	case 'and': return truthy(evaluate(e.a[0], c)) && truthy(evaluate(e.a[1], c));
	case 'or': return truthy(evaluate(e.a[0], c)) || truthy(evaluate(e.a[1], c));
	case 'not': return !truthy(evaluate(e.a, c));
	case 'in': {
		const l = evaluate(e.l, c), r = evaluate(e.r, c);
		if (l === undefined) return false;
		return r.includes(l) !== e.neg;
	}
	case 'arith': return arith(e.op, evaluate(e.l, c), evaluate(e.r, c), c);
	case 'cmp': {
		let l = evaluate(e.l, c), r = evaluate(e.r, c);
		if (l === undefined || r === undefined) return false;
		if (l && l.k === 'dur') l = durDays(l, c);
		if (r && r.k === 'dur') r = durDays(r, c);
		if (typeof l === 'object') l = dateOf(l);
		if (typeof r === 'object') r = dateOf(r);
		if (l === undefined || r === undefined) return false;
		switch (e.op) {
		case '==': return l === r;
		case '!=': return l !== r;
		case '<': return l < r;
		case '<=': return l <= r;
		case '>': return l > r;
		default: return l >= r;
		}
	}
	case 'call': return call(e, c);
	}
	return undefined;
}
const truthy = (v) => v === true;
function durDays(d, c) {
	const today = dayNumber(c.date);
	return addDuration(today, d.n, d.u, 1) - today;
}
function arith(op, l, r, c) {
	if (l === undefined || r === undefined) return undefined;
	const ld = dateOf(l), rd = dateOf(r);
	if (ld !== undefined && r.k === 'dur') return { date: addDuration(ld, r.n, r.u, op === '-' ? -1 : 1) };
	if (ld !== undefined && rd !== undefined && op === '-') return ld - rd;
	if (ld !== undefined && typeof r === 'number') return { date: ld + (op === '-' ? -r : r) };
	if (l.k === 'dur') l = durDays(l, c);
	if (r.k === 'dur') r = durDays(r, c);
	switch (op) {
	case '+': return l + r;
	case '-': return l - r;
	case '*': return l * r;
	default: return Math.floor(l / r);
	}
}
function call(e, c) {
	const args = e.args.map((a) => evaluate(a, c));
	switch (e.f) {
	case 'known': return args[0] !== undefined && args[0] !== null;
	case 'provided': return (c.documents || []).some((d) => d.type === args[0]);
	case 'min': return args.some((a) => a === undefined) ? undefined : Math.min(...args.map((a) => (a.k === 'dur' ? durDays(a, c) : a)));
	case 'max': return args.some((a) => a === undefined) ? undefined : Math.max(...args.map((a) => (a.k === 'dur' ? durDays(a, c) : a)));
	case 'days': return durDays(args[0], c);
	case 'years': {
		const a = dateOf(args[0]), b = dateOf(args[1]);
		return a === undefined || b === undefined ? undefined : Math.floor((b - a) / 365.2425);
	}
	case 'mrz_given': return typeof getPath(c, 'applicant.passport.mrz') === 'string';
	case 'mrz_valid':
	case 'mrz_matches': {
		const m = getPath(c, 'applicant.passport.mrz');
		return typeof m === 'string' && /^[A-Z0-9<]{88}$/.test(m.replace(/\n/g, ''));
	}
	case 'id_valid': return typeof args[0] === 'string' && /^[0-9A-Z]{8,18}$/.test(args[0]);
	case 'id_kind': return typeof args[0] === 'string' && /^\d{17}[\dX]$/.test(args[0]) ? 'prc_resident_id' : undefined;
	}
	return undefined;
}

// ---- parse trees as json-rules-engine conditions ----
let computed = 0;
function toCondition(e, engine) {
	if (e.k === 'and' || e.k === 'or') {
		const key = e.k === 'and' ? 'all' : 'any';
		const parts = [];
		for (const x of e.a) {
			const c = toCondition(x, engine);
			if (c[key]) parts.push(...c[key]);
			else parts.push(c);
		}
		return { [key]: parts };
	}
	if (e.k === 'not') return { not: toCondition(e.a, engine) };
	const leaf = factLeaf(e);
	if (leaf) return leaf;
	// anything else: a computed fact of its own, true or false
	const id = `computed${computed++}`;
	engine.addFact(id, async (params, almanac) => evaluate(e, await almanac.factValue('case')) === true);
	return { fact: id, operator: 'equal', value: true };
}
const OPS = { '==': 'equal', '!=': 'notEqual', '<': 'lessThan', '<=': 'lessThanInclusive', '>': 'greaterThan', '>=': 'greaterThanInclusive' };
// A fact by its whole path: the case is given to the engine flattened
// ("application.visa_type": "Q2"), which spares json-rules-engine a JSONPath
// lookup for every leaf (its `path` option): the faster way to use it.
function pathFact(p) {
	return { fact: p };
}
function flatten(o, prefix, out) {
	for (const [k, v] of Object.entries(o)) {
		const key = prefix ? `${prefix}.${k}` : k;
		if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
		else out[key] = v;
	}
	return out;
}
function factLeaf(e) {
	if (e.k === 'path' && !DATE_FIELDS.test(e.p)) return { ...pathFact(e.p), operator: 'equal', value: true };
	if (e.k === 'cmp' && e.l.k === 'path' && e.r.k === 'lit' && !DATE_FIELDS.test(e.l.p))
		return { ...pathFact(e.l.p), operator: OPS[e.op], value: e.r.v };
	if (e.k === 'in' && e.l.k === 'path' && e.r.k === 'list' && e.r.items.every((x) => x.k === 'lit'))
		return { ...pathFact(e.l.p), operator: e.neg ? 'notIn' : 'in', value: e.r.items.map((x) => x.v) };
	return null;
}

// ---- rules: one engine rule for where a rule applies, one for a failed check ----
function effectsOf(r) {
	const fx = {};
	for (const k of ['require', 'limit', 'fee', 'deposit', 'processing', 'receipt', 'apply_by', 'agent', 'notice', 'invalid'])
		if (r[k] !== undefined) fx[k] = r[k];
	if (r.deny === true) fx.check = false;
	return fx;
}
// What each engine rule does, by its id: the events carry only the id, so that
// the engine's copy of each event is small.
const EFFECTS = new Map();
function addRule(engine, id, conds, row) {
	const fx = effectsOf(row);
	const parsed = Object.fromEntries(['limit', 'fee', 'deposit', 'apply_by']
		.filter((k) => fx[k] !== undefined)
		.map((k) => [k, typeof fx[k] === 'object' && !Array.isArray(fx[k])
			? Object.fromEntries(Object.entries(fx[k]).map(([f, v]) => [f, typeof v === 'object' ? v : parse(v)]))
			: parse(fx[k])]));
	const all = conds.map((c) => toCondition(c, engine));
	engine.addRule({ name: id, conditions: { all: all.length ? all : [{ fact: 'always', operator: 'equal', value: true }] },
		event: { type: 'applies', params: { id } } });
	EFFECTS.set(id, { fx, parsed, invalid: row.invalid });
	const check = row.check !== undefined ? row.check : row.deny === true ? false : undefined;
	if (check !== undefined)
		engine.addRule({ name: `${id}!`, conditions: { all: [...all, { not: toCondition(parse(check), engine) }] },
			event: { type: 'fails', params: { id } } });
}
function buildEngine(pack) {
	const engine = new Engine([], { allowUndefinedFacts: true });
	engine.addFact('always', true);
	for (const r of pack.rules) {
		const when = r.when !== undefined ? [parse(r.when)] : [];
		if (r.table) {
			const key = r.table.key;
			for (const [k, row] of Object.entries(r.table.rows)) {
				const rowWhen = row.when !== undefined ? [parse(row.when)] : [];
				addRule(engine, `${pack.id}/${r.id}[${k}]`, [...when, { k: 'cmp', op: '==', l: { k: 'path', p: key }, r: { k: 'lit', v: k } }, ...rowWhen], { ...r, ...row });
			}
		} else if (r.first) {
			const before = [];
			r.first.forEach((row, n) => {
				const rowWhen = row.when !== undefined ? parse(row.when) : null;
				addRule(engine, `${pack.id}/${r.id}[${n}]`, [...when, ...before.map((b) => ({ k: 'not', a: b })), ...(rowWhen ? [rowWhen] : [])], { ...r, ...row });
				if (rowWhen) before.push(rowWhen);
			});
		} else {
			addRule(engine, `${pack.id}/${r.id}`, when, r);
		}
	}
	return engine;
}

// ---- one case: run, then fold the events ----
function number(parsedField, c) {
	const v = evaluate(parsedField, c);
	if (v && v.k === 'dur') return durDays(v, c);
	return v;
}
const AGENT = { in_person: 0, allow: 1, in_person_always: 2 };
// The facts the case implies (include/permitdesk/case.h: applicant.age,
// agent.present), as permitdesk's decoder derives them.
function derive(c) {
	if (c.agent && typeof c.agent === 'object') c.agent = { ...c.agent, present: true };
	else if (c.agent === null) c.agent = { present: false };
	const born = dayNumber(c.applicant && c.applicant.birth_date), today = dayNumber(c.date);
	if (born !== undefined && today !== undefined) {
		const b = new Date(born * 86400000), t = new Date(today * 86400000);
		let age = t.getUTCFullYear() - b.getUTCFullYear();
		if (t.getUTCMonth() < b.getUTCMonth() || (t.getUTCMonth() === b.getUTCMonth() && t.getUTCDate() < b.getUTCDate())) age--;
		c.applicant = { ...c.applicant, age };
	}
	return c;
}
async function checkCase(engine, c) {
	derive(c);
	const facts = flatten(c, '', { case: c });
	const { events, failureEvents } = await engine.run(facts);
	const provided = new Set((c.documents || []).map((d) => d.type));
	const materials = new Map();
	const failed = [];
	const invalid = new Set();
	let maxDays, applyBy, fee, processing, receipt, agent, deposit;
	const notices = new Set();
	for (const ev of events) {
		const id = ev.params.id;
		const { fx, parsed, invalid: marks } = EFFECTS.get(id);
		if (ev.type === 'fails') {
			if (marks) invalid.add(marks);
			else failed.push(id);
			continue;
		}
		for (const m of [].concat(fx.require || [])) {
			const mid = typeof m === 'string' ? m : m.material || (m.any || m.options || [])[0];
			if (mid && !materials.has(mid)) materials.set(mid, id);
		}
		if (parsed.limit && parsed.limit.max_days) {
			const d = number(parsed.limit.max_days, c);
			if (typeof d === 'number' && (maxDays === undefined || d < maxDays)) maxDays = d;
		}
		if (parsed.apply_by) {
			const d = dateOf(evaluate(parsed.apply_by, c));
			if (d !== undefined && (applyBy === undefined || d < applyBy)) applyBy = d;
		}
		if (parsed.fee && parsed.fee.cny) fee = number(parsed.fee.cny, c);
		if (parsed.deposit && parsed.deposit.cny) deposit = number(parsed.deposit.cny, c);
		if (fx.processing !== undefined) processing = fx.processing;
		if (fx.receipt !== undefined) receipt = fx.receipt;
		if (fx.agent !== undefined && (agent === undefined || AGENT[fx.agent] > AGENT[agent])) agent = fx.agent;
		if (fx.notice) notices.add(typeof fx.notice === 'string' ? fx.notice : fx.notice.id);
	}
	const list = [...materials.keys()].map((m) => ({ id: m, status: invalid.has(m) ? 'invalid' : provided.has(m) ? 'provided' : 'missing' }));
	const verdict = failed.length ? 'ineligible' : list.some((m) => m.status !== 'provided') ? 'incomplete' : 'eligible';
	const iso = (d) => (d === undefined ? null : new Date(d * 86400000).toISOString().slice(0, 10));
	return {
		verdict, materials: list, failed, max_days: maxDays ?? null, apply_by: iso(applyBy), fee_cny: fee ?? null,
		deposit_cny: deposit ?? null, processing_days: processing ?? null, receipt_days: receipt ?? null,
		agent: agent ?? null, notices: [...notices], applied: events.filter((e) => e.type === 'applies').length,
		extra: c.extra ?? null,
	};
}

async function main() {
	const [dir, input] = process.argv.slice(2);
	if (!dir || !input) {
		process.stderr.write('usage: node anchor.mjs POLICY_DIR CASES.jsonl > results.jsonl\n');
		process.exit(2);
	}
	const engines = {};
	for (const id of ['national', 'zhejiang']) engines[id] = buildEngine(loadPack(dir, id));
	const out = fs.createWriteStream(null, { fd: 1 });
	let buf = '';
	const rl = readline.createInterface({ input: fs.createReadStream(input), crlfDelay: Infinity });
	for await (const line of rl) {
		let res;
		try {
			const c = JSON.parse(line);
			const engine = engines[c.jurisdiction];
			res = engine ? await checkCase(engine, c) : { error: `no pack for ${c.jurisdiction}` };
		} catch (err) {
			res = { error: String(err.message || err) };
		}
		buf += JSON.stringify(res) + '\n';
		if (buf.length > 1 << 16) {
			if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
			buf = '';
		}
	}
	out.end(buf);
}
main();
