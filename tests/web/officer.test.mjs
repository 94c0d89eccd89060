// The officer console (/officer) and the supervisor view (/supervisor) in
// Chromium: login, a pre-check file opened as a case, the whole workflow
// from draft to collected with an officer, a supervisor and a reviewer (each step
// with the buttons the page shows, which must be exactly the case's
// allowed_actions for that user), a supplement and its resubmission,
// documents corrected at the counter, search, an applicant who cannot see
// the officer's case, the supervisor's overdue list and reviewers' load,
// logout; axe-core and a clean console on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, api, login, password, ELIGIBLE, EXAMPLE, launch, newPage, assertClean, axe, shot,
} from './helpers.mjs';

let server;
let browser;
const tokens = {};

before(async () => {
	server = await startServer();
	browser = await launch();
	for (const u of ['olga', 'rita', 'sam', 'ann']) tokens[u] = await login(server, u);
});
after(async () => {
	await browser?.close();
	assert.equal(await server.stop(), 0);
	server.cleanup();
});

async function step(page) {
	return Number(await page.evaluate(() => document.body.dataset.step || 0));
}
async function waitStep(page, s) {
	await page.waitForFunction((n) => Number(document.body.dataset.step) > n, s, { timeout: 15000 });
}

async function logIn(page, user, path = '/officer') {
	page.expectHttpError(/\/api\/v1\/me$/);
	await page.goto(`${server.url}${path}`);
	await page.waitForSelector('form[data-view=login]');
	await axe(page, 'login');
	const s = await step(page);
	await page.fill('#login-user', user);
	await page.fill('#login-password', password(user));
	await page.click('form[data-view=login] button[type=submit]');
	await waitStep(page, s);
}

async function caseApi(id, user) {
	const res = await api(server, 'GET', `/api/v1/cases/${id}`, { token: tokens[user] });
	assert.equal(res.status, 200, res.text);
	return res.body;
}

// The buttons shown are exactly the API's allowed_actions for this user.
async function assertButtons(page, id, user) {
	const shown = await page.$$eval('[data-allowed-action]', (b) => b.map((x) => x.dataset.allowedAction));
	const cv = await caseApi(id, user);
	assert.deepEqual(shown, cv.allowed_actions, `${user} on ${cv.number} (${cv.state}): buttons are allowed_actions`);
	return cv;
}

// Takes an action by its button and form; fields: {name: value}.
async function act(page, id, user, action, fields = {}) {
	await assertButtons(page, id, user);
	await page.click(`[data-allowed-action="${action}"]`);
	const form = `form[data-action-form="${action}"]`;
	await page.waitForSelector(form);
	for (const [k, v] of Object.entries(fields)) {
		const tag = await page.$eval(`${form} [name="${k}"]`, (e) => e.tagName);
		if (tag === 'SELECT') await page.selectOption(`${form} [name="${k}"]`, String(v));
		else await page.fill(`${form} [name="${k}"]`, String(v));
	}
	const s = await step(page);
	await page.click(`${form} button[type=submit]`);
	await waitStep(page, s);
	const cv = await caseApi(id, user);
	assert.equal(await page.getAttribute('p[data-state]', 'data-state'), cv.state);
	await assertButtons(page, id, user);
	return cv;
}

test('officer and reviewer: filing to collection, supplement, documents, search, roles', async () => {
	const olga = await newPage(browser, server);
	await logIn(olga, 'olga');
	assert.equal(await olga.evaluate(() => document.body.dataset.view), 'queue');
	assert.match(await olga.textContent('#who'), /olga/);
	await axe(olga, 'queue');

	// A pre-check file opened at the counter.
	let s = await step(olga);
	await olga.setInputFiles('#new-case-file', ELIGIBLE);
	await waitStep(olga, s);
	assert.equal(await olga.evaluate(() => document.body.dataset.view), 'case');
	const id = new URL(olga.url()).searchParams.get('case');
	let cv = await assertButtons(olga, id, 'olga');
	assert.equal(cv.state, 'draft');
	assert.equal(cv.created_by, 'olga');
	// The checklist is the result's, every material.
	const mats = await olga.$$eval('.result li[data-material]', (l) => l.map((x) => x.dataset.material));
	assert.deepEqual(mats.sort(), cv.result.materials.map((m) => m.id).sort());
	await shot(olga, 'officer-case-draft');
	await axe(olga, 'case');

	cv = await act(olga, id, 'olga', 'submit', { note: 'filed at the counter' });
	assert.equal(cv.state, 'submitted');
	// Separation of duties: whoever filed may not accept; a supervisor does.
	// The page shows it withheld, disabled, with the API's reason.
	assert.ok(!cv.allowed_actions.includes('accept'), 'the filer is not offered accept');
	const withheld = await olga.$$eval('[data-withheld-action]', (b) => b.map((x) => [x.dataset.withheldAction, x.getAttribute('aria-disabled'),
		document.getElementById(x.getAttribute('aria-describedby'))?.textContent || '']));
	assert.deepEqual(withheld.map(([a, d]) => [a, d]), (cv.withheld_actions || []).map((w) => [w.action, 'true']), 'withheld_actions shown disabled');
	assert.ok(withheld.some(([a]) => a === 'accept'), 'accept is withheld from the filer');
	for (const w of cv.withheld_actions) assert.ok(withheld.find(([a]) => a === w.action)[2].includes(w.reason), `the reason for ${w.action}`);
	const s0 = await step(olga);
	await olga.click('[data-withheld-action=accept]', { force: true });
	assert.equal(await step(olga), s0, 'a withheld action does nothing');
	await axe(olga, 'case with a withheld action');
	await shot(olga, 'officer-case-withheld');
	const sam = await newPage(browser, server);
	await logIn(sam, 'sam', `/officer?case=${id}`);
	assert.equal(await sam.evaluate(() => document.body.dataset.view), 'case');
	cv = await act(sam, id, 'sam', 'accept');
	assert.equal(cv.state, 'accepted');
	await olga.reload();
	await olga.waitForSelector('body[data-view=case]');
	assert.ok(cv.receipt?.number);
	assert.match(await olga.textContent('[data-list=deadlines]'), new RegExp(cv.receipt.number));
	assert.ok(cv.deadlines.decision_by && (await olga.textContent('[data-list=deadlines]')).includes(cv.deadlines.decision_by));
	await shot(olga, 'officer-case-accepted');

	// The reviewer takes it: assign, a telephone check, approve.
	const rita = await newPage(browser, server);
	await logIn(rita, 'rita', `/officer?case=${id}`);
	assert.equal(await rita.evaluate(() => document.body.dataset.view), 'case');
	cv = await act(rita, id, 'rita', 'assign');
	assert.equal(cv.state, 'in_review');
	assert.equal(cv.assignee, 'rita');
	cv = await act(rita, id, 'rita', 'add_task', { kind: 'telephone', due: '2026-11-25', note: 'call the sponsor' });
	assert.equal(cv.tasks.length, 1);
	cv = await act(rita, id, 'rita', 'complete_task', { task: 1, outcome: 'passed' });
	assert.equal(cv.tasks[0].outcome, 'passed');
	cv = await act(rita, id, 'rita', 'approve', { note: 'all in order' });
	assert.equal(cv.state, 'approved');
	await shot(rita, 'reviewer-case-approved');

	// Back at the counter: issue and collect.
	await olga.reload();
	await olga.waitForSelector('body[data-view=case]');
	cv = await act(olga, id, 'olga', 'issue');
	cv = await act(olga, id, 'olga', 'collect', { method: 'in_person' });
	assert.equal(cv.state, 'collected');
	assert.deepEqual(await olga.$$eval('[data-allowed-action]', (b) => b.length), 0, 'a final case offers nothing');
	const history = await olga.$$eval('table[data-list=history] tbody tr', (r) => r.length);
	assert.equal(history, cv.history.length, 'the whole history');
	await shot(olga, 'officer-case-collected');

	// An incomplete case: a supplement, documents added at the counter, resubmission.
	await olga.click('[data-action=queue]');
	await olga.waitForSelector('body[data-view=queue]');
	s = await step(olga);
	await olga.setInputFiles('#new-case-file', EXAMPLE);
	await waitStep(olga, s);
	const id2 = new URL(olga.url()).searchParams.get('case');
	await act(olga, id2, 'olga', 'submit');
	cv = await act(olga, id2, 'olga', 'request_supplement', { note: 'bring the household register' });
	assert.equal(cv.state, 'awaiting_supplement');
	assert.equal(cv.notices.length, 1);
	const missing = cv.result.materials.find((m) => m.status === 'missing');
	assert.ok(missing, 'the example misses a material');
	await olga.selectOption('#doc-add', missing.id);
	await olga.click('[data-action=add-document]');
	s = await step(olga);
	await olga.click('[data-action=save-documents]');
	await waitStep(olga, s);
	cv = await caseApi(id2, 'olga');
	assert.equal(cv.result.materials.find((m) => m.id === missing.id).status, 'provided');
	assert.equal(await olga.getAttribute(`.result li[data-material="${missing.id}"]`, 'data-status'), 'provided');
	cv = await act(olga, id2, 'olga', 'resubmit');
	assert.equal(cv.state, 'submitted');
	await shot(olga, 'officer-case-resubmitted');

	// A refused action is shown with the API's message: the page is stale,
	// someone else asked for the supplement meanwhile.
	const other = await api(server, 'POST', `/api/v1/cases/${id2}/actions/request_supplement`, { token: tokens.olga });
	assert.equal(other.status, 200, other.text);
	olga.expectHttpError(/\/actions\/request_supplement$/);
	await olga.click('[data-allowed-action=request_supplement]');
	await olga.click('form[data-action-form=request_supplement] button[type=submit]');
	await olga.waitForSelector('form[data-action-form=request_supplement] .error-summary');
	assert.match(await olga.textContent('form[data-action-form=request_supplement] .error-summary'), /This cannot be done now/);
	assert.equal((await caseApi(id2, 'olga')).notices.length, 2, 'only the one supplement asked by the API');

	// Search by the applicant's name, and the queue by state.
	await olga.goto(`${server.url}/officer?q=${encodeURIComponent('Eriksson')}`);
	await olga.waitForSelector('body[data-view=queue]');
	const found = await olga.$$eval('table[data-list=cases] tbody tr', (r) => r.map((x) => x.dataset.case));
	assert.ok(found.includes(cv.number), `search finds ${cv.number}: ${found}`);
	await olga.goto(`${server.url}/officer?state=collected`);
	await olga.waitForSelector('body[data-view=queue]');
	const states = await olga.$$eval('table[data-list=cases] tbody tr', (r) => r.map((x) => x.dataset.state));
	assert.ok(states.length >= 1 && states.every((x) => x === 'collected'));
	await shot(olga, 'officer-queue');
	await axe(olga, 'queue filtered');

	// An applicant cannot see the officer's case: the API's 404, in plain words.
	const ann = await newPage(browser, server, { expect: [/\/api\/v1\/cases\//] });
	await logIn(ann, 'ann', `/officer?case=${id}`);
	await ann.waitForSelector('.error-summary');
	assert.match(await ann.textContent('.error-summary'), /Not found/);
	assert.equal(await ann.$('[data-allowed-action]'), null);

	// Logout ends the session.
	olga.expectHttpError(/\/api\/v1\/me$/);
	await olga.click('[data-action=logout]');
	await olga.waitForSelector('form[data-view=login]');
	for (const p of [olga, sam, rita, ann]) await assertClean(p, 'officer');
	for (const p of [olga, sam, rita, ann]) await p.context().close();
});

test('supervisor: overdue cases and each reviewer\'s load', async () => {
	// Two accepted cases filed long ago are overdue today; one is in review with rita.
	const make = async () => {
		const c = JSON.parse((await import('node:fs')).readFileSync(ELIGIBLE, 'utf8'));
		c.date = '2026-10-09';
		const r = await api(server, 'POST', '/api/v1/cases', { token: tokens.olga, json: c });
		assert.equal(r.status, 201, r.text);
		for (const [a, who] of [['submit', 'olga'], ['accept', 'sam']]) {
			const x = await api(server, 'POST', `/api/v1/cases/${r.body.id}/actions/${a}`, { token: tokens[who] });
			assert.equal(x.status, 200, x.text);
		}
		return r.body.id;
	};
	await make();
	const b = await make();
	const x = await api(server, 'POST', `/api/v1/cases/${b}/actions/assign`, { token: tokens.rita });
	assert.equal(x.status, 200, x.text);
	// Months later (a second server on the same database, with a later today),
	// both are past their decision date.
	const late = await startServer({ dir: server.dir, env: { PERMITDESK_TODAY: '2027-03-01' } });
	const overdue = (await api(late, 'GET', '/api/v1/cases?overdue=true', { token: tokens.sam })).body.cases;
	const inReview = (await api(late, 'GET', '/api/v1/cases?state=in_review', { token: tokens.sam })).body.cases;
	assert.ok(overdue.length >= 2, `overdue cases: ${overdue.length}`);

	const sam = await newPage(browser, late);
	sam.expectHttpError(/\/api\/v1\/me$/);
	await sam.goto(`${late.url}/supervisor`);
	await sam.waitForSelector('form[data-view=login]');
	const s0 = await step(sam);
	await sam.fill('#login-user', 'sam');
	await sam.fill('#login-password', password('sam'));
	await sam.click('form[data-view=login] button[type=submit]');
	await waitStep(sam, s0);
	await sam.waitForSelector('body[data-view=supervisor]');
	const rows = await sam.$$eval('table[data-list=overdue] tbody tr', (r) => r.map((x) => x.dataset.case));
	assert.deepEqual(rows.sort(), overdue.map((c) => c.number).sort());
	const load = await sam.$$eval('table[data-list=load] tbody tr', (r) => r.map((x) => [x.dataset.assignee, Number(x.dataset.count)]));
	const want = {};
	for (const c of inReview) want[c.assignee ?? ''] = (want[c.assignee ?? ''] || 0) + 1;
	assert.deepEqual(Object.fromEntries(load), want);
	await shot(sam, 'supervisor');
	await axe(sam, 'supervisor');
	await assertClean(sam, 'supervisor');
	await sam.context().close();
	assert.equal(await late.stop(), 0);
});
