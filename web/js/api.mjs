// api.mjs: the one way the pages talk to permitdesk serve (docs/api.md):
// api() resolves the JSON answer or rejects with an ApiError (code, message,
// path); errorBox() and summary() show errors in plain words.
import { t } from './i18n.mjs';
import { el } from './dom.mjs';

export class ApiError extends Error {
	constructor(status, error) {
		super(error?.message || `HTTP ${status}`);
		this.status = status;
		this.code = error?.code || 'internal';
		this.path = error?.path ?? null;
		this.line = error?.line ?? null;
		this.column = error?.column ?? null;
	}
}

export async function api(method, path, body) {
	const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
	if (body !== undefined) {
		init.headers['content-type'] = 'application/json';
		init.body = typeof body === 'string' ? body : JSON.stringify(body);
	}
	let res;
	try {
		res = await fetch(`/api/v1${path}`, init);
	} catch (e) {
		throw new ApiError(0, { code: 'unavailable', message: e.message });
	}
	if (res.status === 204) return null;
	const text = await res.text();
	let json = null;
	try { json = JSON.parse(text); } catch { /* not JSON */ }
	if (!res.ok) {
		const err = new ApiError(res.status, json?.error || { code: 'internal', message: text.slice(0, 200) });
		// 429 and 503 say when to try again (seconds).
		const retry = Number(res.headers.get('retry-after'));
		if (retry > 0) err.retryAfter = retry;
		throw err;
	}
	return json;
}

// Every page of a list, following `next` (docs/api.md, GET /cases).
export async function allPages(path) {
	const out = [];
	let after = null;
	const sep = path.includes('?') ? '&' : '?';
	for (let i = 0; i < 1000; i++) {
		const page = await api('GET', `${path}${sep}limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`);
		out.push(...page.cases);
		if (!page.next) break;
		after = page.next;
	}
	return out;
}

// An error summary (role=alert) for an ApiError or any other error.
export function errorBox(err) {
	const code = err instanceof ApiError ? err.code : 'internal';
	const plain = t(`error.${code}`) === `error.${code}` ? t('error.internal') : t(`error.${code}`);
	const box = el('div', { class: 'error-summary', role: 'alert', tabindex: '-1' },
		el('h2', {}, plain),
		el('p', {}, err.message));
	if (err instanceof ApiError && err.path) {
		box.append(el('p', {}, `${t('error.where')} `, el('code', {}, err.path),
			err.line ? ` (${t('error.line', { line: err.line, column: err.column })})` : ''));
	}
	return box;
}

// An error summary whose links ({id, text}) move the focus to their fields;
// heading: its words, or a box of errorBox() to add to.
export function summary(heading, items, extra = []) {
	const box = heading instanceof Node ? heading
		: el('div', { class: 'error-summary', role: 'alert', tabindex: '-1' }, el('h2', {}, heading));
	box.append(...extra);
	if (items.length) {
		box.append(el('ul', {}, items.map((e) => {
			const a = el('a', { href: `#${e.id}` }, e.text);
			a.addEventListener('click', (ev) => { ev.preventDefault(); document.getElementById(e.id)?.focus(); });
			return el('li', {}, a);
		})));
	}
	return box;
}
