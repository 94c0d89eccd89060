// i18n.mjs: the desk's two languages (docs/web.md, "Languages"): the pages'
// words from /i18n/*.json, the API's texts picked with pick().
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

// The words of the pre-check (and of every page) are in /i18n/{l}.json; the
// policy browser's and the staff pages' own in /i18n/{l}.desk.json, which
// only those pages load (the first page stays light).
let files = [''];

async function load(l) {
	const parts = await Promise.all(files.map(async (f) => {
		const res = await fetch(`/i18n/${l}${f}.json`);
		if (!res.ok) throw new Error(`/i18n/${l}${f}.json: ${res.status}`);
		return res.json();
	}));
	strings = Object.assign({}, ...parts);
	lang = l;
	document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
	apply(document);
	const sw = document.getElementById('lang-switch');
	if (sw) {
		// The switch speaks the language it switches to, and says so (lang).
		sw.lang = langTag(otherLang());
		sw.replaceChildren(t('lang.other'));
		const more = document.createElement('span');
		more.className = 'hidden-visually';
		more.textContent = ` ${t('lang.switch')}`;
		sw.append(more);
		sw.removeAttribute('aria-label');
	}
	if (strings['page.title.' + document.body.dataset.page]) {
		document.title = `${t('page.title.' + document.body.dataset.page)} · ${t('brand')}`;
	}
}

// Loads the strings and wires the switch; resolves when the page may render.
// opts.desk: the page needs the words of /i18n/{l}.desk.json too.
export async function initI18n(opts = {}) {
	if (opts.desk) files = ['', '.desk'];
	await load(initial());
	markLang(document.body);
	new MutationObserver((records) => {
		for (const r of records) for (const n of r.addedNodes) markLang(n);
	}).observe(document.body, { childList: true, subtree: true });
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

export const otherLang = () => (lang === 'zh' ? 'en' : 'zh');
// The value of a lang attribute for a language of the desk.
export const langTag = (l) => (l === 'zh' ? 'zh-CN' : 'en');

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

// Text in the other language's script gets its lang (WCAG 3.1.2): Chinese
// on an English page as zh-CN, three or more English words on a Chinese page
// as en (docs/web.md, "Languages").  Runs on every node the pages add.
const OTHER = {
	en: [/[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e]+/g, 'zh'],
	zh: [/[A-Za-z]{2,}(?:[\s,.'’()-]+[A-Za-z]{2,}){2,}/g, 'en'],
};
export function markLang(root) {
	if (!root) return;
	if (root.nodeType === Node.TEXT_NODE) { markText(root); return; }
	if (root.nodeType !== Node.ELEMENT_NODE) return;
	const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
	const texts = [];
	for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n);
	for (const n of texts) markText(n);
}

function markText(node) {
	const [re, other] = OTHER[lang];
	const parent = node.parentElement;
	re.lastIndex = 0;
	if (!parent || !re.test(node.data)) return;
	re.lastIndex = 0;
	const within = parent.closest('[lang]');
	if (within && within.lang.startsWith(other)) return;
	if (parent.closest('code, script, style')) return;
	// option, title and textarea hold text only: mark the element when all of it is in the other language.
	if (parent.closest('option, title, textarea')) {
		if (node.data.replace(re, '').trim() === '') parent.lang = langTag(other);
		re.lastIndex = 0;
		return;
	}
	const frag = document.createDocumentFragment();
	let last = 0;
	for (const m of node.data.matchAll(re)) {
		if (m.index > last) frag.append(node.data.slice(last, m.index));
		const span = document.createElement('span');
		span.lang = langTag(other);
		span.textContent = m[0];
		frag.append(span);
		last = m.index + m[0].length;
	}
	if (last < node.data.length) frag.append(node.data.slice(last));
	node.replaceWith(frag);
}
