// The public progress page (/progress) in Chromium, end to end: a case filed
// and accepted through the API; its receipt (the accept action's answer) in
// the address as the receipt's QR code gives it; the passport number typed;
// the state in the API's plain words, the decision date, not yet ready; a
// wrong passport number answered as not found, in plain words with links to
// both fields; in Chinese; the case approved and issued: ready, and where to
// collect it; too many queries: the API's 429 and the time to wait.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, api, login, ELIGIBLE, launch, newPage, assertClean, axe, shot, ready } from './helpers.mjs';

let server;
let browser;
const tokens = {};
let receipt;
const passportNo = JSON.parse(readFileSync(ELIGIBLE, 'utf8')).applicant.passport.number;

before(async () => {
	server = await startServer();
	browser = await launch();
	for (const u of ['olga', 'sam', 'rita']) tokens[u] = await login(server, u);
	const r = await api(server, 'POST', '/api/v1/cases', { token: tokens.olga, json: JSON.parse(readFileSync(ELIGIBLE, 'utf8')) });
	assert.equal(r.status, 201, r.text);
	const id = r.body.id;
	assert.equal((await act(id, 'submit', 'olga')).status, 200);
	const accepted = await act(id, 'accept', 'sam');
	assert.equal(accepted.status, 200, accepted.text);
	receipt = accepted.body.receipt;
	assert.ok(typeof receipt === 'string' && receipt, `a receipt: ${accepted.text}`);
	server.caseId = id;
});
after(async () => {
	await browser?.close();
	assert.equal(await server.stop(), 0);
	server.cleanup();
});

function act(id, action, user, json) {
	return api(server, 'POST', `/api/v1/cases/${id}/actions/${action}`, { token: tokens[user], json });
}
const progressApi = async (p = passportNo) => api(server, 'GET', `/api/v1/progress?receipt=${encodeURIComponent(receipt)}&passport=${encodeURIComponent(p)}`);
const step = (page) => page.evaluate(() => Number(document.body.dataset.step || 0));

async function query(page, passport) {
	const s = await step(page);
	await page.fill('#pg-passport', passport);
	await page.click('form[data-view=progress-form] button[type=submit]');
	await page.waitForFunction((n) => Number(document.body.dataset.step) > n, s);
}

test('progress: from the receipt\'s link to the state, a wrong pair, ready for collection', async () => {
	const page = await newPage(browser, server, { width: 375, expect: [/\/api\/v1\/progress\?/] });
	await page.goto(`${server.url}/progress?receipt=${encodeURIComponent(receipt)}`);
	await ready(page);
	assert.equal(await page.inputValue('#pg-receipt'), receipt, 'the receipt from the address');
	await axe(page, 'progress form');

	// Nothing typed: the summary links to the passport field.
	await page.click('form[data-view=progress-form] button[type=submit]');
	await page.waitForSelector('.error-summary a[href="#pg-passport"]');

	await query(page, passportNo.toLowerCase());
	const want = (await progressApi()).body;
	assert.equal(want.state, 'accepted');
	assert.equal(await page.evaluate(() => document.body.dataset.view), 'progress');
	assert.equal((await page.textContent('[data-status]')).trim(), want.status.en, 'the state in the API\'s words');
	assert.equal((await page.textContent('[data-field=decision_by]')).trim(), want.decision_by);
	assert.equal(await page.getAttribute('[data-field=ready]', 'data-ready'), 'false');
	const offices = await page.$$eval('[data-list=offices] [data-office]', (l) => l.map((x) => x.dataset.office));
	assert.deepEqual(offices, want.offices.map((o) => o.id));
	assert.ok(!new URL(page.url()).searchParams.has('passport'), 'the passport number stays out of the address');
	await axe(page, 'progress accepted');
	await shot(page, 'progress-accepted-375');

	// A wrong passport number: not found, in plain words, linked to both fields.
	await query(page, 'X0000000');
	await page.waitForSelector('.error-summary');
	assert.match(await page.textContent('.error-summary'), /Not found/);
	assert.match(await page.textContent('.error-summary'), /No application matches/);
	assert.deepEqual(await page.$$eval('.error-summary a', (a) => a.map((x) => x.getAttribute('href'))), ['#pg-receipt', '#pg-passport']);
	assert.equal(await page.$('[data-status]'), null, 'nothing of the case shown');
	await axe(page, 'progress not found');
	await shot(page, 'progress-not-found-375');

	// Decided and issued: ready, and where to collect it; in Chinese.
	for (const [a, u, data] of [['assign', 'rita'], ['approve', 'rita'], ['issue', 'olga']]) {
		const r = await act(server.caseId, a, u, data);
		assert.equal(r.status, 200, `${a}: ${r.text}`);
	}
	const zh = await newPage(browser, server, { locale: 'zh-CN' });
	await zh.goto(`${server.url}/progress?receipt=${encodeURIComponent(receipt)}`);
	await ready(zh);
	await query(zh, passportNo);
	const now = (await progressApi()).body;
	assert.equal(now.ready_for_collection, true, JSON.stringify(now));
	assert.equal((await zh.textContent('[data-status]')).trim(), now.status.zh);
	assert.equal(await zh.getAttribute('[data-field=ready]', 'data-ready'), 'true');
	for (const o of now.offices) assert.ok((await zh.textContent(`[data-office="${o.id}"]`)).includes(o.name.zh));
	await axe(zh, 'progress ready zh');
	await shot(zh, 'progress-ready-zh-1280');
	await assertClean(page, 'progress');
	await assertClean(zh, 'progress zh');
	await page.context().close();
	await zh.context().close();
});

test('progress: too many queries, the API\'s 429 and the time to wait', async () => {
	const page = await newPage(browser, server, { expect: [/\/api\/v1\/progress\?/] });
	await page.goto(`${server.url}/progress?receipt=${encodeURIComponent(receipt)}`);
	await ready(page);
	let last;
	for (let i = 0; i < 40; i++) {
		last = await progressApi('X0000000');
		if (last.status === 429) break;
	}
	assert.equal(last.status, 429, 'the API limits the queries');
	await query(page, passportNo);
	await page.waitForSelector('.error-summary [data-retry-after]');
	assert.match(await page.textContent('.error-summary'), /Too many/);
	await axe(page, 'progress 429');
	await assertClean(page, 'progress 429');
	await page.context().close();
});
