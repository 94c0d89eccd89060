// helpers.mjs: what every test of the web desk shares.
//
//   startServer(), api(), login(), pd() ...  re-exported from tests/api/helpers.mjs:
//                   a fresh database with one user of every role and
//                   `permitdesk serve` on a free loopback port.
//   launch()        Debian's Chromium (/usr/bin/chromium, or PD_CHROMIUM),
//                   headless, through playwright-core; never a downloaded browser.
//   watch(page, server)  records console errors, uncaught exceptions, CSP
//                   violations and every request to a host other than the
//                   server; assertClean() fails the test on any of them.
//   axe(page)       runs axe-core on the page; fails on any violation, of
//                   whatever impact; then assertLang(page).
//   assertLang(page) every text in the other language carries its lang: on
//                   an English page no Chinese outside lang="zh-CN", on a
//                   Chinese page no English phrase outside lang="en"; and no
//                   key of web/i18n shown for want of its string.
//   shot(page, name) a full-page screenshot under PD_BUILD/web-screenshots/.
//
// Environment (CTest, tests/CMakeLists.txt): PERMITDESK, PD_SRC, PD_BUILD.
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export * from '../api/helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
export const PD_BUILD = process.env.PD_BUILD || join(here, '..', '..', 'build');
export const SHOTS = join(PD_BUILD, 'web-screenshots');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const CHROMIUM = process.env.PD_CHROMIUM || '/usr/bin/chromium';

export async function launch() {
	return chromium.launch({
		executablePath: CHROMIUM,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
}

/*
 * A new page in a context of its own (own cookies), watched.  opts: width
 * (default 1280), locale (default en-US), expect: regexps of URLs whose
 * non-2xx answers the test provokes on purpose (Chromium reports each
 * failed response as a console error).
 */
export async function newPage(browser, server, opts = {}) {
	const context = await browser.newContext({
		viewport: { width: opts.width || 1280, height: opts.height || 900 },
		locale: opts.locale || 'en-US',
		acceptDownloads: true,
	});
	const page = await context.newPage();
	const problems = [];
	const expected = opts.expect || [];
	page.on('console', (m) => {
		if (m.type() !== 'error' && m.type() !== 'warning') return;
		const url = m.location()?.url || '';
		if (m.type() === 'error' && /Failed to load resource/.test(m.text()) && expected.some((re) => re.test(url))) return;
		if (m.type() === 'warning' && !/Content.Security.Policy|Refused/i.test(m.text())) return;
		problems.push(`console ${m.type()}: ${m.text()} (${url})`);
	});
	page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
	page.on('request', (r) => {
		const u = new URL(r.url());
		if (u.protocol === 'blob:' || u.protocol === 'data:') return;
		if (u.host !== server.host) problems.push(`request to another host: ${r.url()}`);
	});
	await page.addInitScript(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) => {
			window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
		});
	});
	page.problems = problems;
	page.expectHttpError = (re) => expected.push(re);
	return page;
}

// Fails unless the page logged no error, threw nothing and broke no CSP rule.
export async function assertClean(page, where = '') {
	const csp = await page.evaluate(() => window.__csp || []);
	assert.deepEqual([...page.problems, ...csp.map((c) => `CSP violation: ${c}`)], [], `${where}: problems on ${page.url()}`);
}

// axe-core on the current page: no violation at all (minor ones included).
export async function axe(page, where = '') {
	await page.evaluate(AXE);
	const res = await page.evaluate(async () => {
		// eslint-disable-next-line no-undef
		const r = await axe.run(document, { resultTypes: ['violations'] });
		return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
	});
	assert.deepEqual(res, [], `${where}: axe-core violations on ${page.url()}`);
	await assertLang(page, where);
	return res;
}

const KEYS = ['en.json', 'en.desk.json'].flatMap((f) => Object.keys(JSON.parse(readFileSync(join(here, '..', '..', 'web', 'i18n', f), 'utf8'))));

export async function assertLang(page, where = '') {
	const bad = await page.evaluate((keys) => {
		const out = [];
		const pageLang = document.documentElement.lang;
		const han = /[\u3400-\u9fff]/;
		// An English phrase: three words of two letters or more in a row.
		const phrase = /[A-Za-z]{2,}(?:[\s,.'’()-]+[A-Za-z]{2,}){2,}/;
		const key = /^[a-z_]+(\.[a-z0-9_]+)+$/;
		const known = new Set(keys);
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			const p = n.parentElement;
			if (!p || p.closest('script, style, noscript, code')) continue;
			const text = n.data.trim();
			if (!text) continue;
			const l = p.closest('[lang]')?.lang || pageLang;
			if (key.test(text) && (known.has(text) || /^(state|action|role|verdict|status|outcome|data|error|col)\./.test(text))) out.push(`a key without its string: ${text}`);
			if (l.startsWith('en') && han.test(text)) out.push(`Chinese in lang=${l}: ${text.slice(0, 60)}`);
			if (l.startsWith('zh') && phrase.test(text)) out.push(`English in lang=${l}: ${text.slice(0, 60)}`);
		}
		return out;
	}, KEYS);
	assert.deepEqual(bad, [], `${where}: texts without their lang on ${page.url()}`);
}

export async function shot(page, name) {
	mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// Waits until the page's script says it is ready (body[data-ready]).
export async function ready(page) {
	await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
}
