// i18n.mjs: the desk's two languages.
//
// The page's own words (buttons, headings, hints) come from /i18n/en.json and
// /i18n/zh.json, one file per language with the same keys; every text about
// the law (questions, value labels, materials, findings, offices) comes from
// the API in both languages and is picked here with pick().  The language is
// the one chosen with the switch (kept in localStorage), else ?lang=, else the
// browser's.
const KEY = 'permitdesk.lang';
const listeners = [];
let strings = {};
export let lang = 'en';

function initial() {
	const q = new URLSearchParams(location.search).get('lang');
	if (q === 'en' || q === 'zh') return q;
	try {
		const saved = localStorage.getItem(KEY);
		if (saved === 'en' || saved === 'zh') return saved;
	} catch { /* storage refused: use the browser's language */ }
	return (navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

async function load(l) {
	const res = await fetch(`/i18n/${l}.json`);
	if (!res.ok) throw new Error(`/i18n/${l}.json: ${res.status}`);
	strings = await res.json();
	lang = l;
	document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
	apply(document);
	const sw = document.getElementById('lang-switch');
	if (sw) {
		const other = l === 'zh' ? 'en' : 'zh';
		sw.textContent = other === 'zh' ? '中文' : 'English';
		sw.lang = other === 'zh' ? 'zh-CN' : 'en';
		sw.setAttribute('aria-label', t('lang.switch'));
	}
	if (strings['page.title.' + document.body.dataset.page]) {
		document.title = `${t('page.title.' + document.body.dataset.page)} · ${t('brand')}`;
	}
}

// Loads the strings and wires the switch; resolves when the page may render.
export async function initI18n() {
	await load(initial());
	const sw = document.getElementById('lang-switch');
	if (sw) {
		sw.addEventListener('click', async () => {
			const next = lang === 'zh' ? 'en' : 'zh';
			try { localStorage.setItem(KEY, next); } catch { /* not kept */ }
			await load(next);
			for (const f of listeners) f(next);
		});
	}
}

// f(lang) runs after every switch: the page renders its dynamic parts again.
export function onLangChange(f) { listeners.push(f); }

// The string for key, with {name} filled from vars; the key itself when missing.
export function t(key, vars = {}) {
	const s = strings[key];
	if (s === undefined) return key;
	return s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined ? m : String(vars[k])));
}

// The text of a bilingual object {en, zh} from the API, in the page's language.
export function pick(o) {
	if (o === null || o === undefined) return '';
	if (typeof o === 'string') return o;
	return o[lang] ?? o.en ?? o.zh ?? '';
}

// Fills [data-i18n] (text), [data-i18n-label] (aria-label) and
// [data-i18n-placeholder] under root.
export function apply(root) {
	for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
	for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
	for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
}
