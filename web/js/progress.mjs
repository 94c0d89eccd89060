// progress.mjs: the public progress page (/progress?receipt=R, docs/web.md);
// the passport number is never put in the address or kept.
import { initI18n, onLangChange, t, pick } from './i18n.mjs';
import { api, errorBox, summary } from './api.mjs';
import { el, fill, focusHeading, done, field } from './dom.mjs';
import { officeItem } from './result-view.mjs';

const view = document.getElementById('view');
const state = { receipt: new URLSearchParams(location.search).get('receipt') || '', passport: '', answer: null, error: null };

function answerView(p) {
	const yes = p.ready_for_collection;
	return el('section', { class: 'card', 'aria-labelledby': 'pg-answer', 'data-progress': p.state },
		el('h2', { id: 'pg-answer' }, t('progress.answer', { receipt: p.receipt })),
		el('p', { class: 'verdict', 'data-status': p.state }, pick(p.status)),
		el('dl', { class: 'facts' },
			el('dt', {}, t('progress.decision_by')), el('dd', { 'data-field': 'decision_by' }, p.decision_by || t('progress.no_date')),
			el('dt', {}, t('progress.ready')), el('dd', { 'data-field': 'ready', 'data-ready': String(yes) },
				yes ? t('progress.ready.yes') : t('progress.ready.no'))),
		el('h3', {}, yes ? t('progress.collect_at') : t('progress.offices')),
		p.offices.length ? el('ul', { class: 'items', 'data-list': 'offices' }, p.offices.map(officeItem))
			: el('p', { class: 'muted' }, t('result.none')));
}

function render() {
	const receipt = el('input', { type: 'text', id: 'pg-receipt', name: 'receipt', value: state.receipt, autocomplete: 'off', spellcheck: 'false' });
	const passport = el('input', { type: 'text', id: 'pg-passport', name: 'passport', value: state.passport, autocomplete: 'off', spellcheck: 'false' });
	const form = el('form', { novalidate: true, 'data-view': 'progress-form', class: 'card' },
		field(t('progress.receipt'), receipt, t('progress.receipt.hint')),
		field(t('progress.passport'), passport, t('progress.passport.hint')),
		el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('progress.submit'))));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		state.receipt = receipt.value.trim();
		state.passport = passport.value.trim();
		const missing = [];
		if (!state.receipt) missing.push({ id: receipt.id, text: t('form.required', { what: t('progress.receipt') }) });
		if (!state.passport) missing.push({ id: passport.id, text: t('form.required', { what: t('progress.passport') }) });
		state.answer = null;
		state.error = missing.length ? { missing } : null;
		if (!missing.length) {
			const u = new URL(location.href);
			u.searchParams.set('receipt', state.receipt);
			history.replaceState(null, '', u);
			try {
				state.answer = await api('GET', `/progress?receipt=${encodeURIComponent(state.receipt)}&passport=${encodeURIComponent(state.passport)}`);
			} catch (e) {
				state.error = { api: e };
			}
		}
		render();
		const box = view.querySelector('.error-summary');
		if (box) box.focus();
		else view.querySelector('#pg-answer')?.focus();
	});

	let errors = null;
	if (state.error?.missing) {
		errors = summary(t('form.errors'), state.error.missing);
	} else if (state.error?.api) {
		const e = state.error.api;
		const extra = [];
		if (e.code === 'not_found') extra.push(el('p', {}, t('progress.not_found')));
		if (e.code === 'rate_limited' && e.retryAfter) extra.push(el('p', { 'data-retry-after': String(e.retryAfter) }, t('progress.retry', { minutes: Math.ceil(e.retryAfter / 60) })));
		errors = summary(errorBox(e), e.code === 'not_found'
			? [{ id: receipt.id, text: t('progress.check', { what: t('progress.receipt') }) }, { id: passport.id, text: t('progress.check', { what: t('progress.passport') }) }] : [], extra);
	}
	if (state.error?.missing) {
		for (const m of state.error.missing) {
			const input = m.id === receipt.id ? receipt : passport;
			input.setAttribute('aria-invalid', 'true');
		}
	}
	fill(view,
		el('h1', {}, t('progress.title')),
		el('p', { class: 'lead' }, t('progress.lead')),
		errors, form,
		state.answer ? answerView(state.answer) : null);
	const h = view.querySelector('#pg-answer');
	if (h) h.setAttribute('tabindex', '-1');
	done(state.answer ? 'progress' : state.error ? 'progress-error' : 'progress-form');
}

async function main() {
	await initI18n();
	onLangChange(() => render());
	render();
	focusHeading(view);
}

main();
