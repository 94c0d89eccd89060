// Every page of the desk, in English and in Chinese: at 320 px wide (no
// sideways scrolling), and a full-page screenshot at 375 px and at 1280 px
// under PD_BUILD/web-screenshots/ (tour-<page>-<lang>-<width>.png) for
// review; axe-core, the texts' lang and a clean console on each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, api, login, password, ELIGIBLE, EXAMPLE, launch, newPage, assertClean, axe, shot, ready,
} from './helpers.mjs';
import { readFileSync } from 'node:fs';

let server;
let browser;
const tokens = {};
let caseId;

before(async () => {
	server = await startServer();
	browser = await launch();
	tokens.olga = await login(server, 'olga');
	const r = await api(server, 'POST', '/api/v1/cases', { token: tokens.olga, json: JSON.parse(readFileSync(ELIGIBLE, 'utf8')) });
	assert.equal(r.status, 201, r.text);
	caseId = r.body.id;
});
after(async () => {
	await browser?.close();
	assert.equal(await server.stop(), 0);
	server.cleanup();
});

// The page as it is now: 320 px without overflow, then the two screenshots.
async function look(page, name, lang) {
	await page.setViewportSize({ width: 320, height: 640 });
	const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(over <= 0, `${name} (${lang}): no sideways scrolling at 320 px (${over} px too wide)`);
	await axe(page, `${name} ${lang} 320`);
	for (const width of [375, 1280]) {
		await page.setViewportSize({ width, height: 900 });
		await shot(page, `tour-${name}-${lang}-${width}`);
	}
	await axe(page, `${name} ${lang} 1280`);
}

async function asUser(page, user) {
	const r = await page.context().request.post(`${server.url}/api/v1/sessions`, { data: { user, password: password(user) } });
	assert.ok(r.ok(), await r.text());
}

for (const lang of ['en', 'zh']) {
	test(`every page in ${lang}: 320, 375 and 1280 px`, async () => {
		const page = await newPage(browser, server, { locale: lang === 'zh' ? 'zh-CN' : 'en-US', expect: [/\/api\/v1\/me$/, /\/api\/v1\/users$/] });
		// The pre-check: start, a question, the documents, the check of the answers, the result.
		await page.goto(`${server.url}/`);
		await ready(page);
		await look(page, 'precheck-start', lang);
		await page.check('input[name=jurisdiction][value="zhejiang"]');
		await page.check('[data-fact="application.document"] input >> nth=0');
		await page.check('[data-fact="application.action"] input >> nth=0');
		await page.click('form[data-view=start] button[type=submit]');
		await page.waitForSelector('body[data-view=question]');
		await look(page, 'precheck-question', lang);
		await page.click('form[data-view=question] button[type=submit]');
		await page.waitForSelector('.error-summary a');
		await look(page, 'precheck-question-error', lang);
		await page.goto(`${server.url}/`);
		await ready(page);
		await page.setInputFiles('#load-file', EXAMPLE);
		await page.waitForSelector('body[data-view=review]');
		await look(page, 'precheck-review', lang);
		await page.click('[data-change=documents]');
		await page.waitForSelector('body[data-view=documents]');
		await look(page, 'precheck-documents', lang);
		await page.click('[data-action=back]');
		await page.waitForSelector('body[data-view=review]');
		await page.click('[data-action=result]');
		await page.waitForSelector('body[data-view=result]');
		await look(page, 'precheck-result', lang);
		// The result's link to the appointment page hands the answers over.
		await page.click('[data-action=appointment]');
		await page.waitForSelector('body[data-page=appointment][data-ready=true]');
		assert.ok(await page.isChecked('#ap-attach'), 'the pre-check\'s answers offered');
		// The appointment page, an office chosen.
		await page.selectOption('#ap-office', 'tianjin-exit-entry-service-center');
		await page.waitForSelector('input[name=time]');
		await look(page, 'appointment', lang);


		// The progress page, as the receipt's QR code opens it.
		await page.goto(`${server.url}/progress?receipt=zhejiang-2026-R000001`);
		await ready(page);
		await look(page, 'progress', lang);

		// The policy browser.
		await page.goto(`${server.url}/policy?pack=shenzhen`);
		await ready(page);
		await look(page, 'policy', lang);

		// The staff pages: the login, the queue, a case, the supervisor.
		await page.goto(`${server.url}/officer`);
		await page.waitForSelector('form[data-view=login]');
		await look(page, 'login', lang);
		await asUser(page, 'olga');
		await page.goto(`${server.url}/officer`);
		await page.waitForSelector('body[data-view=queue]');
		await look(page, 'officer-queue', lang);
		await page.goto(`${server.url}/officer?case=${caseId}`);
		await page.waitForSelector('body[data-view=case]');
		await look(page, 'officer-case', lang);
		await page.goto(`${server.url}/counter?office=tianjin-exit-entry-service-center&date=2026-11-23`);
		await page.waitForSelector('body[data-view=counter-day]');
		await look(page, 'counter', lang);
		await asUser(page, 'sam');
		await page.goto(`${server.url}/supervisor`);
		await page.waitForSelector('body[data-view=supervisor]');
		await look(page, 'supervisor', lang);
		await page.goto(`${server.url}/admin`);
		await page.waitForSelector('body[data-view=refused]');
		await look(page, 'admin-refused', lang);
		await asUser(page, 'ada');
		await page.goto(`${server.url}/admin`);
		await page.waitForSelector('body[data-view=users]');
		await look(page, 'admin-users', lang);
		await assertClean(page, `tour ${lang}`);
		await page.context().close();
	});
}
