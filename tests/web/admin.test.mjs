// The users page (/admin) in Chromium: an administrator sees every user of
// GET /users, adds one who then logs in at the officer console, sets a new
// password, disables and enables them; an empty form's errors link to its
// fields; the API's refusal to disable oneself is shown in plain words.  A
// user without the `users` capability sees the API's refusal and no form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, password, launch, newPage, assertClean, axe, shot } from './helpers.mjs';

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

const step = (page) => page.evaluate(() => Number(document.body.dataset.step || 0));
const waitStep = (page, s) => page.waitForFunction((n) => Number(document.body.dataset.step) > n, s, { timeout: 15000 });

async function logIn(page, user, pw, path) {
	page.expectHttpError(/\/api\/v1\/me$/);
	await page.goto(`${server.url}${path}`);
	await page.waitForSelector('form[data-view=login]');
	const s = await step(page);
	await page.fill('#login-user', user);
	await page.fill('#login-password', pw);
	await page.click('form[data-view=login] button[type=submit]');
	await waitStep(page, s);
}

const loginStatus = async (user, pw) => (await api(server, 'POST', '/api/v1/sessions', { json: { user, password: pw } })).status;

test('admin: the users, one added who logs in, a new password, disabled and enabled', async () => {
	const ada = await newPage(browser, server, { expect: [/\/api\/v1\/users\/ada\/disable$/] });
	await logIn(ada, 'ada', password('ada'), '/admin');
	await ada.waitForSelector('body[data-view=users]');
	const token = await login(server, 'ada');
	const users = (await api(server, 'GET', '/api/v1/users', { token })).body.users;
	const rows = await ada.$$eval('table[data-list=users] tbody tr', (r) => r.map((x) => [x.dataset.user, x.dataset.role, x.dataset.disabled]));
	assert.deepEqual(rows, users.map((u) => [u.user, u.role, String(u.disabled)]), 'every user of GET /users');
	await axe(ada, 'users');
	await shot(ada, 'admin-users');

	// An empty form: the summary links to both fields.
	await ada.click('form[data-form=add-user] button[type=submit]');
	await ada.waitForSelector('form[data-form=add-user] .error-summary a');
	assert.deepEqual(await ada.$$eval('form[data-form=add-user] .error-summary a', (a) => a.map((x) => x.getAttribute('href'))), ['#u-name', '#u-password']);
	await ada.click('form[data-form=add-user] .error-summary a');
	assert.equal(await ada.evaluate(() => document.activeElement.id), 'u-name');
	await axe(ada, 'add errors');

	// A new officer, who then logs in at the console.
	await ada.fill('#u-name', 'nina');
	await ada.selectOption('#u-role', 'officer');
	await ada.fill('#u-password', 'nina-first-pw');
	let s = await step(ada);
	await ada.click('form[data-form=add-user] button[type=submit]');
	await waitStep(ada, s);
	assert.match(await ada.textContent('.status'), /nina/);
	assert.equal(await ada.getAttribute('tr[data-user=nina]', 'data-role'), 'officer');
	const nina = await newPage(browser, server);
	await logIn(nina, 'nina', 'nina-first-pw', '/officer');
	await nina.waitForSelector('body[data-view=queue]');
	assert.match(await nina.textContent('#who'), /nina/);

	// A new password: the old one no longer opens a session.
	await ada.click('tr[data-user=nina] [data-user-action=password]');
	await ada.fill('form[data-form=password] input[type=password]', 'nina-second-pw');
	s = await step(ada);
	await ada.click('form[data-form=password] button[type=submit]');
	await waitStep(ada, s);
	assert.equal(await loginStatus('nina', 'nina-first-pw'), 401);
	assert.equal(await loginStatus('nina', 'nina-second-pw'), 201);

	// Disabled: no login; enabled: login again.
	s = await step(ada);
	await ada.click('tr[data-user=nina] [data-user-action=disable]');
	await waitStep(ada, s);
	assert.equal(await ada.getAttribute('tr[data-user=nina]', 'data-disabled'), 'true');
	assert.notEqual(await loginStatus('nina', 'nina-second-pw'), 201);
	await shot(ada, 'admin-user-disabled');
	s = await step(ada);
	await ada.click('tr[data-user=nina] [data-user-action=enable]');
	await waitStep(ada, s);
	assert.equal(await ada.getAttribute('tr[data-user=nina]', 'data-disabled'), 'false');
	assert.equal(await loginStatus('nina', 'nina-second-pw'), 201);

	// The API refuses an admin disabling themselves: its answer in plain words.
	await ada.click('tr[data-user=ada] [data-user-action=disable]');
	await ada.waitForSelector('.error-summary');
	assert.match(await ada.textContent('.error-summary'), /You may not do this/);
	assert.equal((await api(server, 'GET', '/api/v1/users/ada', { token })).body.disabled, false);
	await axe(ada, 'refused self-disable');
	await assertClean(ada, 'admin');
	await assertClean(nina, 'nina');
	await ada.context().close();
	await nina.context().close();
});

test('admin: a user without the users capability sees the refusal', async () => {
	const token = await login(server, 'olga');
	const me = (await api(server, 'GET', '/api/v1/me', { token })).body;
	assert.ok(!me.capabilities.includes('users'));
	const olga = await newPage(browser, server, { locale: 'zh-CN', expect: [/\/api\/v1\/users$/] });
	await logIn(olga, 'olga', password('olga'), '/admin');
	await olga.waitForSelector('body[data-view=refused]');
	assert.match(await olga.textContent('.error-summary'), /无权进行此操作/);
	assert.ok(await olga.$('[data-refused=users]'));
	assert.equal(await olga.$('form[data-form]'), null, 'no form to use');
	assert.equal(await olga.$('[data-user-action]'), null, 'no button to use');
	await axe(olga, 'refused');
	await shot(olga, 'admin-refused-zh');
	await assertClean(olga, 'refused');
	await olga.context().close();
});
