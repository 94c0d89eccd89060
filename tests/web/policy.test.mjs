// The policy browser (/policy) in Chromium: every pack of GET /policy, the
// rules, conflicts and clauses of the pack chosen, a search that filters
// them, a deep link to one rule (as a result's citation opens it), the
// Chinese page; axe-core and a clean console.  And the pages at their
// paths: /policy, /officer and /supervisor without .html.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, launch, newPage, assertClean, axe, shot, ready } from './helpers.mjs';

let server;
let browser;

before(async () => {
	server = await startServer();
	browser = await launch();
});
after(async () => {
	await browser?.close();
	assert.equal(await server.stop(), 0);
	server.cleanup();
});

test('policy browser: packs, rules, conflicts, clauses, search, deep link', async () => {
	const policy = (await api(server, 'GET', '/api/v1/policy')).body;
	const page = await newPage(browser, server);
	await page.goto(`${server.url}/policy?pack=zhejiang`);
	await ready(page);
	const packs = await page.$$eval('[data-list=packs] li', (l) => l.map((x) => x.dataset.pack));
	assert.deepEqual(packs, policy.packs.map((p) => p.id));
	const rules = (await api(server, 'GET', '/api/v1/policy/zhejiang/rules')).body.rules;
	const shown = await page.$$eval('[data-list=rules] > li', (l) => l.map((x) => x.dataset.rule));
	assert.deepEqual(shown, rules.map((r) => r.id), 'every rule of the pack');
	const conflicts = (await api(server, 'GET', '/api/v1/policy/zhejiang/conflicts')).body.conflicts;
	assert.equal(await page.$$eval('[data-conflict]', (l) => l.length), conflicts.length);
	await axe(page, 'policy');
	await shot(page, 'policy-zhejiang');

	// Search: only the rules whose text, id or clause has the words.
	await page.fill('#pol-search', 'Q2');
	const visible = await page.$$eval('[data-list=rules] > li:not(.hidden)', (l) => l.map((x) => x.dataset.rule));
	const want = rules.filter((r) => [r.id, r.en, r.zh, r.source, r.layer, r.replaces || '', r.file].join(' ').toLowerCase().includes('q2'));
	assert.ok(visible.length > 0 && visible.length < rules.length, `search narrows (${visible.length})`);
	for (const r of want) assert.ok(visible.includes(r.id), `search keeps ${r.id}`);
	assert.match(await page.textContent('#pol-count'), new RegExp(`${visible.length} of ${rules.length}`));
	await shot(page, 'policy-search');

	// Another pack, with its clauses.
	await page.selectOption('#pol-pack', 'national');
	await page.waitForFunction(() => document.querySelector('#pol-pack')?.value === 'national');
	const clauses = (await api(server, 'GET', '/api/v1/policy/national/clauses')).body.clauses;
	await page.waitForFunction((n) => document.querySelectorAll('[data-clause]').length === n, clauses.length);

	// A deep link to a rule, as a result's citation makes it; in Chinese.
	const rule = rules.find((r) => r.id.includes('['));
	const zh = await newPage(browser, server, { locale: 'zh-CN' });
	await zh.goto(`${server.url}/policy?pack=zhejiang&rule=${encodeURIComponent(rule.id)}`);
	await ready(zh);
	assert.equal(await zh.evaluate(() => document.activeElement?.dataset.rule), rule.id, 'the rule linked has the focus');
	assert.ok((await zh.textContent(`[data-rule="${rule.id}"]`)).includes(rule.zh));
	await axe(zh, 'policy zh');
	await shot(zh, 'policy-rule-zh');
	await assertClean(page, 'policy');
	await assertClean(zh, 'policy zh');
	await page.context().close();
	await zh.context().close();
});

test('the desk is served: pages without .html, content types, CSP', async () => {
	for (const [path, page] of [['/policy', 'policy'], ['/officer', 'officer'], ['/supervisor', 'supervisor'], ['/admin', 'admin'], ['/progress', 'progress'], ['/index.html', 'precheck'], ['/', 'precheck']]) {
		const res = await fetch(server.url + path);
		assert.equal(res.status, 200, path);
		assert.match(res.headers.get('content-type'), /^text\/html/);
		assert.match(res.headers.get('content-security-policy'), /script-src 'self'/);
		assert.match(await res.text(), new RegExp(`data-page="${page}"`));
	}
	for (const [path, type] of [['/js/precheck.mjs', /^text\/javascript/], ['/css/desk.css', /^text\/css/], ['/i18n/zh.json', /^application\/json/]]) {
		const res = await fetch(server.url + path);
		assert.equal(res.status, 200, path);
		assert.match(res.headers.get('content-type'), type, path);
	}
});
