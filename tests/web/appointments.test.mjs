// Counter appointments in Chromium (/appointment, /counter): a booking end to
// end in English and in Chinese with the pre-check's answers handed over by
// its result page's link, the reference and what to bring equal to the
// API's; by keyboard only; a slot filled meanwhile refused with the API's
// 409 in the error summary; the appointment found again, moved and
// cancelled; the officer's day view equal to GET /offices/{id}/appointments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, api, login, EXAMPLE, launch, newPage, assertClean, axe, shot, ready } from './helpers.mjs';

const OFFICE = 'tianjin-exit-entry-service-center';
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

const answers = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
const step = (page) => page.evaluate(() => Number(document.body.dataset.step || 0));
async function act(page, f) {
	const n = await step(page);
	await f();
	await page.waitForFunction((k) => Number(document.body.dataset.step) > k, n);
}
const slots = async () => (await api(server, 'GET', `/api/v1/offices/${OFFICE}/slots`)).body.slots;

// Opens the page with the answers handed over as the pre-check's link does.
async function open(opts = {}) {
	const page = await newPage(browser, server, { expect: [/\/api\/v1\/appointments/], ...opts });
	await page.goto(`${server.url}/?lang=${opts.lang || 'en'}`);
	await ready(page);
	await page.evaluate((a) => sessionStorage.setItem('permitdesk.answers', JSON.stringify(a)), answers);
	await page.goto(`${server.url}/appointment?lang=${opts.lang || 'en'}`);
	await ready(page);
	return page;
}

for (const lang of ['en', 'zh']) {
	test(`appointment: booked with the pre-check's answers, in ${lang}`, async () => {
		const page = await open({ lang, width: lang === 'en' ? 375 : 1280 });
		await axe(page, 'appointment form');
		const offered = await page.$$eval('#ap-office option', (o) => o.map((x) => x.value).filter(Boolean));
		const bookable = (await api(server, 'GET', '/api/v1/offices?appointments=true')).body.packs.flatMap((p) => p.offices.map((o) => o.id));
		assert.deepEqual(offered, bookable, 'the offices that take appointments, from the API');
		// Nothing chosen: the summary links to the office.
		await act(page, () => page.click('form[data-view=appt-form] button[type=submit]'));
		assert.deepEqual(await page.$$eval('.error-summary a', (a) => a.map((x) => x.hash)), ['#ap-office']);
		await act(page, () => page.selectOption('#ap-office', OFFICE));
		const free = (await slots()).filter((x) => x.free > 0);
		const days = await page.$$eval('#ap-day option', (o) => o.map((x) => x.value));
		assert.deepEqual(days, [...new Set(free.map((x) => x.date))]);
		const times = await page.$$eval('input[name=time]', (i) => i.length);
		assert.equal(times, free.filter((x) => x.date === days[0]).length);
		assert.equal(await page.inputValue('#ap-passport'), answers.applicant.passport.number, 'the passport number of the answers');
		assert.ok(await page.isChecked('#ap-attach'));
		await page.check(`input[name=time] >> nth=${lang === 'en' ? 2 : 3}`);
		await axe(page, 'appointment form filled');
		await act(page, () => page.click('form[data-view=appt-form] button[type=submit]'));
		assert.equal(await page.evaluate(() => document.body.dataset.view), 'appt-booked');
		const ref = await page.textContent('[data-field=reference]');
		const got = await api(server, 'GET', `/api/v1/appointments/${ref}?passport=${answers.applicant.passport.number}`);
		assert.equal(got.status, 200);
		assert.equal(got.body.answers, true);
		assert.deepEqual(await page.$$eval('[data-list=bring] li', (l) => l.map((x) => x.dataset.material)), got.body.bring.map((m) => m.id));
		assert.ok(got.body.bring.length > 0);
		const text = await page.textContent('[data-list=bring]');
		for (const m of got.body.bring) assert.ok(text.includes(m.text[lang]), m.id);
		await axe(page, 'appointment booked');
		await shot(page, `appointment-booked-${lang}`);
		await assertClean(page, 'booking');
		await page.context().close();
	});
}

test('appointment: by keyboard only, a full slot, found again, moved and cancelled', async () => {
	const page = await open();
	await page.focus('#ap-office');
	await act(page, () => page.keyboard.press('ArrowDown'));
	assert.equal(await page.evaluate(() => document.activeElement.id), 'ap-office', 'the focus stays on the office');
	// The office's first free slot; filled through the API once the page shows it.
	const first = (await slots()).find((x) => x.free > 0);
	await page.keyboard.press('Tab');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'ap-day');
	await page.keyboard.press('Tab');
	await page.keyboard.press('Space');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'ap-time');
	assert.ok(await page.isChecked('#ap-time'));
	for (let i = 0; i < first.free; i++) {
		const r = await api(server, 'POST', '/api/v1/appointments', { json: { office: OFFICE, date: first.date, time: first.time, passport: `K${i}` } });
		assert.equal(r.status, 201);
	}
	await page.focus('#ap-passport');
	await page.keyboard.press('Control+A');
	await page.keyboard.type('KB1234567');
	await act(page, () => page.keyboard.press('Enter'));
	assert.equal(await page.evaluate(() => document.body.dataset.view), 'appt-error');
	assert.equal(await page.evaluate(() => document.activeElement.className), 'error-summary', 'the summary takes the focus');
	const summary = await page.textContent('.error-summary');
	assert.match(summary, /no longer free/);
	assert.match(summary, /is full/, 'the API\'s reason');
	assert.deepEqual(await page.$$eval('.error-summary a', (a) => a.map((x) => x.hash)), ['#ap-time']);
	await axe(page, 'full slot');
	await shot(page, 'appointment-full');
	assert.ok(!(await page.$$eval('input[name=time]', (i) => i.length === 0)));
	// The full slot is no longer offered; the next one is.
	await page.keyboard.press('Tab');
	await page.keyboard.press('Enter');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'ap-time');
	await page.keyboard.press('Space');
	await act(page, () => page.click('form[data-view=appt-form] button[type=submit]'));
	assert.equal(await page.evaluate(() => document.body.dataset.view), 'appt-booked');
	const ref = await page.textContent('[data-field=reference]');

	// Found again in a new page with the reference and the passport number.
	const other = await open();
	await other.fill('#ap-ref', ref);
	await other.fill('#ap-fpassport', 'WRONG1');
	await act(other, () => other.click('form[data-view=appt-find] button[type=submit]'));
	assert.deepEqual(await other.$$eval('.error-summary a', (a) => a.map((x) => x.hash)), ['#ap-ref', '#ap-fpassport']);
	await other.fill('#ap-fpassport', 'KB1234567');
	await act(other, () => other.click('form[data-view=appt-find] button[type=submit]'));
	assert.equal(await other.textContent('[data-field=reference]'), ref);
	await act(other, () => other.click('[data-action=move]'));
	await other.selectOption('#ap-day', { index: 1 });
	await other.check('input[name=time] >> nth=0');
	const day = await other.inputValue('#ap-day');
	await act(other, () => other.click('form[data-view=appt-move] button[type=submit]'));
	let r = await api(server, 'GET', `/api/v1/appointments/${ref}?passport=KB1234567`);
	assert.equal(r.body.date, day);
	assert.equal(await other.evaluate(() => document.body.dataset.view), 'appt-booked');
	await act(other, () => other.click('[data-action=cancel]'));
	assert.equal(await other.evaluate(() => document.body.dataset.view), 'appt-cancelled');
	r = await api(server, 'GET', `/api/v1/appointments/${ref}?passport=KB1234567`);
	assert.equal(r.body.state, 'cancelled');
	await axe(other, 'cancelled');
	await assertClean(other, 'find, move, cancel');
	await assertClean(page, 'keyboard booking');
	await page.context().close();
	await other.context().close();
});

test('counter: the officer\'s day view with each checklist', async () => {
	const first = (await slots()).find((x) => x.free > 0);
	const booked = await api(server, 'POST', '/api/v1/appointments', { json: { office: OFFICE, date: first.date, time: first.time, passport: 'DV1', name: 'Dana View', answers } });
	assert.equal(booked.status, 201);
	const token = await login(server, 'olga');
	const want = (await api(server, 'GET', `/api/v1/offices/${OFFICE}/appointments?date=${first.date}`, { token })).body;
	for (const lang of ['en', 'zh']) {
		for (const width of [375, 1280]) {
			const page = await newPage(browser, server, { width, expect: [/\/api\/v1\/me/] });
			await page.goto(`${server.url}/officer?lang=${lang}`);
			await ready(page);
			await page.fill('#login-user', 'olga');
			await page.fill('#login-password', 'secret-olga-pw');
			await page.click('form[data-view=login] button[type=submit]');
			await page.waitForSelector('[data-action=logout]');
			await page.click('nav a[href="/counter"]');
			await ready(page);
			await page.selectOption('#ct-office', OFFICE);
			await page.fill('#ct-date', first.date);
			await act(page, () => page.click('form[data-view=counter-form] button[type=submit]'));
			assert.equal(await page.evaluate(() => document.body.dataset.view), 'counter-day');
			assert.deepEqual(await page.$$eval('[data-appointment]', (l) => l.map((x) => x.dataset.appointment)), want.appointments.map((a) => a.reference));
			const li = page.locator(`[data-appointment="${booked.body.reference}"]`);
			assert.match(await li.textContent(), /DV1/);
			const mine = want.appointments.find((a) => a.reference === booked.body.reference);
			assert.deepEqual(await li.locator('[data-list=bring] li').evaluateAll((l) => l.map((x) => x.dataset.material)), mine.bring.map((m) => m.id));
			await axe(page, `counter ${lang} ${width}`);
			await shot(page, `counter-${lang}-${width}`);
			await assertClean(page, 'counter');
			await page.context().close();
		}
	}
	// An applicant is refused by the API, in plain words.
	const page = await newPage(browser, server, { expect: [/\/appointments\?date=/] });
	await page.context().request.post(`${server.url}/api/v1/sessions`, { data: { user: 'ann', password: 'secret-ann-pw' } });
	await page.goto(`${server.url}/counter?office=${OFFICE}&date=${first.date}`);
	await ready(page);
	assert.equal(await page.evaluate(() => document.body.dataset.view), 'counter-error');
	assert.match(await page.textContent('.error-summary'), /may not/);
	await page.context().close();
});

test('appointment: at 375 and 1280 px, no sideways scrolling', async () => {
	for (const width of [320, 375, 1280]) {
		const page = await open({ width });
		await act(page, () => page.selectOption('#ap-office', OFFICE));
		assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), `${width} px`);
		if (width !== 320) await shot(page, `appointment-form-${width}`);
		await page.context().close();
	}
});
