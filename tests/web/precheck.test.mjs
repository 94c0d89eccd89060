// The applicant's pre-check (/) in Chromium: a Zhejiang Q2 visa extension
// and a Shenzhen family-reunion residence permit, each in English and in
// Chinese.  The answers come from a case file; the page asks, and every
// question it asks must be one that POST /check returned for the answers
// given so far.  The result page must list every material of
// `permitdesk check` on the saved answers file, with its status, the verdict
// and the dates; loading that file again gives the same result.  Also: the
// page at 320 px wide, keyboard-only answering, axe-core and a clean console.
// Each POST /check the pages send is timed from the browser's Resource
// Timing; the percentiles go to PD_BUILD/web-budgets-check.json
// (docs/performance.md: 20 ms at the 99th percentile on the reference
// machine; the test holds only a generous bound, the machine is shared).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
	startServer, api, pd, PD_SRC, PD_BUILD, launch, newPage, assertClean, axe, shot, ready,
} from './helpers.mjs';

let server;
let browser;
const tmp = mkdtempSync(join(tmpdir(), 'pd-web-'));

before(async () => {
	server = await startServer();
	browser = await launch();
});
after(async () => {
	await browser?.close();
	assert.equal(await server.stop(), 0);
	server.cleanup();
});

// POST /check as the browser saw it: whole (fetch start to the last byte)
// and the server's part (request sent to the first byte).
const checkTimes = [];
async function timeChecks(page) {
	checkTimes.push(...await page.evaluate(() => performance.getEntriesByType('resource')
		.filter((e) => new URL(e.name).pathname === '/api/v1/check' && e.initiatorType === 'fetch')
		.map((e) => ({ total: e.responseEnd - e.startTime, server: e.responseStart - e.requestStart }))));
}
const pct = (xs, p) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};



const caseFile = (p) => JSON.parse(readFileSync(join(PD_SRC, p), 'utf8'));
// The answers of a family, as a case; its date is left to the server's today.
function answersOf(p) {
	const c = caseFile(p);
	delete c.date;
	return c;
}

// The details of a document the page must ask, from the material's checks
// (docs/format.md): nothing else.
function detailsFor(m) {
	const c = m.checks || {};
	const f = c.foreign || {};
	return [['issued', c.max_age], ['expires', c.valid_for], ['foreign', c.foreign],
		['notarized', c.notarized || f.notarized], ['legalized', f.legalized], ['translated', f.translated]]
		.filter(([, on]) => on).map(([k]) => k);
}

function get(c, path) {
	if (path === 'agent.present') return c.agent === undefined ? undefined : c.agent !== null;
	let o = c;
	for (const k of path.split('.')) {
		if (o === null || typeof o !== 'object') return undefined;
		o = o[k];
	}
	return o ?? undefined;
}
function set(c, path, v) {
	if (path === 'agent.present') {
		if (v === false) c.agent = null; else if (!c.agent) c.agent = {};
		return;
	}
	const keys = path.split('.');
	let o = c;
	for (const k of keys.slice(0, -1)) o = (o[k] ??= {});
	o[keys.at(-1)] = v;
}

async function checkApi(c) {
	const res = await api(server, 'POST', '/api/v1/check', { json: c });
	assert.equal(res.status, 200, res.text);
	return res.body;
}

async function nextView(page, step) {
	await page.waitForFunction((s) => Number(document.body.dataset.step) > s, step, { timeout: 15000 });
	return page.evaluate(() => [document.body.dataset.view, Number(document.body.dataset.step)]);
}

/*
 * Runs the pre-check with the answers of `answers` (a case) in `lang`;
 * returns {page, sent: the case the page built, asked: facts asked}.
 */
async function precheck(answers, lang, { width, name } = {}) {
	const page = await newPage(browser, server, { width, locale: lang === 'zh' ? 'zh-CN' : 'en-US' });
	await page.goto(`${server.url}/index.html`);
	await ready(page);
	assert.equal(await page.evaluate(() => document.documentElement.lang), lang === 'zh' ? 'zh-CN' : 'en',
		'the language follows the browser');
	if (name) await shot(page, `${name}-1-start`);
	let step = Number(await page.evaluate(() => document.body.dataset.step));

	// The start page: city, document, action; the last two are the API's first questions.
	const first = await checkApi({ jurisdiction: answers.jurisdiction });
	const firstFacts = first.questions.map((q) => q.fact);
	assert.ok(firstFacts.includes('application.document') && firstFacts.includes('application.action'), firstFacts.join());
	const sent = { jurisdiction: answers.jurisdiction, application: {} };
	await page.check(`input[name=jurisdiction][value="${answers.jurisdiction}"]`);
	for (const p of ['application.document', 'application.action']) {
		await page.check(`[data-fact="${p}"] input[value="${get(answers, p)}"]`);
		set(sent, p, get(answers, p));
	}
	await page.click('form[data-view=start] button[type=submit]');

	const asked = [];
	const skipped = new Set();
	for (let guard = 0; guard < 80; guard++) {
		let view;
		[view, step] = await nextView(page, step);
		if (view === 'question') {
			const path = await page.getAttribute('form[data-view=question]', 'data-fact');
			const api1 = await checkApi(sent);
			const open = api1.questions.map((q) => (q.fact === 'applicant.age' ? 'applicant.birth_date' : q.fact));
			assert.ok(open.includes(path), `asked ${path}, which POST /check did not return (${open.join(', ')})`);
			assert.ok(!asked.includes(path) && !skipped.has(path), `${path} asked twice`);
			const text = await page.textContent('form[data-view=question] h1');
			const q = api1.questions.find((x) => x.fact === path);
			if (q) assert.equal(text.trim(), q[lang], `the question's text is the API's, in ${lang}`);
			if (name && asked.length === 0) await shot(page, `${name}-2-question`);
			const v = get(answers, path);
			if (v === undefined) {
				skipped.add(path);
				await page.click('[data-action=unknown]');
				continue;
			}
			asked.push(path);
			const radio = await page.$('form[data-view=question] input[type=radio]');
			if (radio) await page.check(`form[data-view=question] input[value="${String(v)}"]`);
			else await page.fill('form[data-view=question] input', String(v));
			set(sent, path, v);
			await page.click('form[data-view=question] button[type=submit]');
		} else if (view === 'documents') {
			const api2 = await checkApi(sent);
			const listed = await page.$$eval('form[data-view=documents] .doc-row', (rows) => rows.map((r) => r.dataset.material));
			assert.deepEqual(listed, api2.materials.map((m) => m.id), 'the checklist is the materials of the result');
			if (name) await shot(page, `${name}-3-documents`);
			// Each row asks only the details its material is checked for.
			for (const m of api2.materials) {
				const row = `.doc-row[data-material="${m.id}"]`;
				const shown = await page.$$eval(`${row} [data-detail]`, (f) => f.map((x) => x.dataset.detail));
				assert.deepEqual(shown, detailsFor(m), `${m.id}: the details asked`);
			}
			// The example's own: a photo has a validity window, a letter none; a
			// kinship certificate may be foreign (legalised, translated), the
			// sponsor's identity card cannot.
			const expect = { photo: ['issued'], invitation_letter: [], sponsor_id_card: [],
				kinship_proof: ['foreign', 'legalized', 'translated'] };
			for (const [id, want] of Object.entries(expect)) {
				if (!listed.includes(id) || answers.jurisdiction !== 'zhejiang') continue;
				const shown = await page.$$eval(`.doc-row[data-material="${id}"] [data-detail]`, (f) => f.map((x) => x.dataset.detail));
				assert.deepEqual(shown, want, `${id}: asked ${want.join(', ') || 'no detail'}`);
				if (!want.length) assert.equal(await page.$(`.doc-row[data-material="${id}"] details`), null, `${id}: no details to open`);
			}
			const docs = [];
			for (const d of answers.documents || []) {
				if (!listed.includes(d.type)) continue;
				const row = `.doc-row[data-material="${d.type}"]`;
				await page.check(`${row} input[type=checkbox]`);
				const doc = { type: d.type };
				const fields = await page.$$eval(`${row} [data-detail]`, (f) => f.map((x) => x.dataset.detail));
				if (fields.some((k) => d[k] !== undefined && d[k] !== null)) {
					if (!(await page.$eval(`${row} details`, (x) => x.open))) await page.click(`${row} summary`);
					for (const k of fields) {
						if (d[k] === undefined || d[k] === null) continue;
						if (k === 'issued' || k === 'expires') await page.fill(`${row} [data-detail=${k}]`, d[k]);
						else await page.selectOption(`${row} [data-detail=${k}]`, String(d[k]));
						doc[k] = d[k];
					}
				}
				docs.push(doc);
			}
			// The page lists them in the order of the checklist.
			docs.sort((a, b) => listed.indexOf(a.type) - listed.indexOf(b.type));
			if (docs.length) sent.documents = docs;
			await page.click('form[data-view=documents] button[type=submit]');
		} else if (view === 'review') {
			break;
		} else {
			assert.fail(`unexpected view ${view}`);
		}
	}
	// Check your answers: one row per answer, each with its change link.
	const rows = await page.$$eval('dl.review dd[data-fact]', (dds) => dds.map((d) => d.dataset.fact));
	for (const p of [...asked, 'application.document', 'application.action', 'documents']) {
		assert.ok(rows.includes(p), `check your answers shows ${p}`);
	}
	assert.ok(await page.$(`dl.review [data-change="${asked[0]}"]`), 'a change link per answer');
	if (name) await shot(page, `${name}-4-review`);
	await page.click('[data-action=result]');
	[, step] = await nextView(page, step);
	assert.equal(await page.evaluate(() => document.body.dataset.view), 'result');
	return { page, sent, asked };
}

// The result page shows what `permitdesk check` says of the same file.
async function assertResultPage(page, expected, lang) {
	assert.equal(await page.getAttribute('.verdict', 'data-verdict'), expected.verdict);
	const shown = await page.$$eval('.result li[data-material]', (li) => li.map((x) => [x.dataset.material, x.dataset.status]));
	assert.deepEqual(shown.sort(), expected.materials.map((m) => [m.id, m.status]).sort(), 'every material of the result, with its status');
	const text = await page.textContent('.result');
	for (const m of expected.materials) assert.ok(text.includes(m[lang]), `material text ${m.id} in ${lang}`);
	for (const d of ['apply_by', 'decision_by', 'receipt_valid_until']) {
		if (expected.dates[d]) assert.ok(text.includes(expected.dates[d]), `${d} ${expected.dates[d]} shown`);
	}
	if (expected.fee?.cny) assert.ok(text.includes(String(expected.fee.cny)), 'fee shown');
	for (const o of expected.offices) assert.ok(text.includes(o.name[lang]), `office ${o.id} shown`);
	if (expected.representation?.[lang]) assert.ok(text.includes(expected.representation[lang]), 'representation shown');
	// Sources on demand: one <details> per line, closed until asked.
	const sources = await page.$$eval('.result details.src', (d) => d.length);
	assert.ok(sources >= expected.materials.length, 'each material has its source');
}

async function saveAnswers(page, file) {
	const [dl] = await Promise.all([page.waitForEvent('download'), page.click('.actions [data-action=save]')]);
	await dl.saveAs(file);
	return JSON.parse(readFileSync(file, 'utf8'));
}

const FLOWS = [
	{ name: 'zhejiang-q2-extension', file: 'examples/zhejiang-q2-extension.json' },
	{ name: 'shenzhen-family-reunion', file: 'tests/cases/shenzhen/agent-expense-guarantee.json' },
];

for (const flow of FLOWS) {
	for (const lang of ['en', 'zh']) {
		test(`pre-check: ${flow.name} in ${lang}, saved and loaded again`, async () => {
			const answers = answersOf(flow.file);
			const { page, sent } = await precheck(answers, lang, { name: `precheck-${flow.name}-${lang}` });
			const file = join(tmp, `${flow.name}-${lang}.json`);
			const saved = await saveAnswers(page, file);
			assert.deepEqual(saved, sent, 'the saved file holds exactly the answers given');
			await timeChecks(page);
			const cli = await pd(['check', file]);
			assert.equal(cli.code, 0, cli.stderr);
			const expected = JSON.parse(cli.stdout);
			assert.deepEqual(await checkApi(saved), expected, 'POST /check and permitdesk check agree');
			await assertResultPage(page, expected, lang);
			await shot(page, `precheck-${flow.name}-${lang}-5-result`);
			await axe(page, 'result');
			await assertClean(page, 'pre-check');

			// The family saved at home; the file opened again gives the same result.
			const again = await newPage(browser, server, { locale: lang === 'zh' ? 'zh-CN' : 'en-US' });
			await again.goto(`${server.url}/index.html`);
			await ready(again);
			await again.setInputFiles('#load-file', file);
			await again.waitForSelector('body[data-view=review]');
			await again.click('[data-action=result]');
			await again.waitForSelector('body[data-view=result]');
			await assertResultPage(again, expected, lang);
			assert.deepEqual(await saveAnswers(again, join(tmp, 'again.json')), saved, 'loaded and saved again: the same file');
			await timeChecks(again);
			await assertClean(again, 'loaded');
			await page.context().close();
			await again.context().close();
		});
	}
}

test('pre-check: the language switch, a 2004-dated file, a bad file', async () => {
	const page = await newPage(browser, server, { expect: [/\/api\/v1\/check$/] });
	await page.goto(`${server.url}/index.html`);
	await ready(page);
	assert.equal(await page.textContent('h1'), 'Check before you queue');
	await page.click('#lang-switch');
	await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
	assert.equal(await page.textContent('h1'), '排队之前先预审');
	const labels = await page.$$eval('[data-fact="application.document"] label', (l) => l.map((x) => x.textContent));
	const facts = (await api(server, 'GET', '/api/v1/facts')).body.facts;
	assert.deepEqual(labels, facts.find((f) => f.path === 'application.document').values.map((v) => v.zh), 'value labels from GET /facts');
	await page.click('#lang-switch');
	await page.waitForFunction(() => document.documentElement.lang === 'en');

	// A case of 2004: the date picks the pack of that time.
	const old = join(tmp, 'old.json');
	const c2004 = readdir2004();
	writeFileSync(old, JSON.stringify(c2004));
	await page.setInputFiles('#load-file', old);
	await page.waitForSelector('body[data-view=review]');
	await page.click('[data-action=result]');
	await page.waitForSelector('body[data-view=result]');
	const expected = await checkApi(c2004);
	assert.equal(expected.policy.pack, 'national-2004');
	await assertResultPage(page, expected, 'en');

	// A file the API refuses: its message and path, in plain words.
	await page.click('[data-action=restart]');
	await page.waitForSelector('body[data-view=start]');
	const bad = join(tmp, 'bad.json');
	writeFileSync(bad, JSON.stringify({ jurisdiction: 'zhejiang', applicant: { birth_date: '1990-13-01' } }));
	await page.setInputFiles('#load-file', bad);
	await page.waitForSelector('.error-summary');
	const msg = await page.textContent('.error-summary');
	assert.match(msg, /applicant\.birth_date/);
	assert.match(msg, /could not be read/);
	await assertClean(page, 'switch and files');
	await page.context().close();
});

// The first case of the 2004 pack's golden cases (dated before 2013).
function readdir2004() {
	const dir = join(PD_SRC, 'tests', 'cases', 'national-2004');
	const first = readdirSync(dir).sort().find((f) => f.endsWith('.json') && !f.endsWith('.expected.json'));
	return JSON.parse(readFileSync(join(dir, first), 'utf8'));
}

// The element with the focus shows it: an outline or a ring of its own.
async function assertFocusVisible(page, where) {
	const f = await page.evaluate(() => {
		const e = document.activeElement;
		const s = getComputedStyle(e);
		return { tag: e.tagName, outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2, ring: s.boxShadow !== 'none' };
	});
	assert.ok(f.outline || f.ring, `${where}: the focus on ${f.tag} is visible`);
}

test('pre-check at 320 px wide, by keyboard only, with axe-core on every step', async () => {
	const page = await newPage(browser, server, { width: 320, height: 640 });
	await page.goto(`${server.url}/index.html`);
	await ready(page);
	await axe(page, 'start');
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, `no horizontal scrolling at 320 px (${overflow} px too wide)`);
	await shot(page, 'precheck-320-1-start');
	// Nothing chosen: the summary links to each of the three fields, each a fieldset of radios.
	await page.click('form[data-view=start] button[type=submit]');
	await page.waitForSelector('.error-summary a');
	const links = await page.$$eval('.error-summary a', (as) => as.map((a) => {
		const f = document.getElementById(a.getAttribute('href').slice(1));
		return f && f.type === 'radio' && f.closest('fieldset') !== null && f.getAttribute('aria-invalid') === 'true';
	}));
	assert.deepEqual(links, [true, true, true], 'a link to each field, a radio of a fieldset, marked invalid');
	assert.equal(await page.$$eval('form[data-view=start] .field-error', (p) => p.length), 3, 'each error at its field too');
	await axe(page, 'start errors');
	// Keyboard: Tab to the first city, arrows to choose, Tab on, Space to pick.
	await page.focus('input[name=jurisdiction]');
	await assertFocusVisible(page, 'a city');
	await page.keyboard.press('ArrowDown');
	const chosen = await page.$eval('input[name=jurisdiction]:checked', (i) => i.value);
	assert.ok(chosen);
	await page.keyboard.press('Tab');
	await page.keyboard.press('Space');
	await page.keyboard.press('Tab');
	await page.keyboard.press('Space');
	await page.keyboard.press('Tab');
	await assertFocusVisible(page, 'continue');
	await page.keyboard.press('Enter');
	await page.waitForSelector('body[data-view=question]');
	assert.equal(await page.$('form[data-view=start] .error-summary'), null, 'the errors are gone');
	await axe(page, 'question');
	await shot(page, 'precheck-320-2-question');
	// An empty answer: the error summary links to the field.
	await page.keyboard.press('Tab');
	await page.keyboard.press('Enter');
	await page.waitForSelector('.error-summary a');
	await axe(page, 'error summary');
	await page.click('.error-summary a');
	assert.equal(await page.evaluate(() => document.activeElement.tagName), 'INPUT', 'the error links to its field');
	assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-invalid')), 'true');
	await assertFocusVisible(page, 'the field in error');
	await shot(page, 'precheck-320-3-error');
	const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow2 <= 0, 'no horizontal scrolling on a question');
	await assertClean(page, '320');
	await page.context().close();
});

test('budget: each pre-check step answered quickly (POST /check from Resource Timing)', async () => {
	// The last of this file's tests (node:test runs them in order): the flows have run.
	assert.ok(checkTimes.length >= 20, `POST /check timed ${checkTimes.length} times`);
	const fig = { n: checkTimes.length };
	for (const k of ['total', 'server']) {
		const xs = checkTimes.map((x) => x[k]);
		fig[k] = { p50: +pct(xs, 50).toFixed(1), p95: +pct(xs, 95).toFixed(1), p99: +pct(xs, 99).toFixed(1), max: +Math.max(...xs).toFixed(1) };
	}
	mkdirSync(PD_BUILD, { recursive: true });
	writeFileSync(join(PD_BUILD, 'web-budgets-check.json'), `${JSON.stringify(fig, null, 2)}\n`);
	console.log(`POST /check in the pre-check: ${fig.n} steps, p50 ${fig.total.p50} ms, p95 ${fig.total.p95} ms, p99 ${fig.total.p99} ms, `
		+ `max ${fig.total.max} ms (server part p99 ${fig.server.p99} ms)`);
	// The budget is 20 ms at the 99th percentile; a shared machine gets far more here.
	assert.ok(fig.total.p99 < 1000, `p99 ${fig.total.p99} ms`);
});
