// precheck.mjs: the applicant's pre-check (/), no login; the flow is in
// docs/web.md, "The pre-check".  Every question, material and verdict comes
// from the API; the answers are a case (docs/format.md 1).
import { initI18n, onLangChange, t, pick } from './i18n.mjs';
import { api, errorBox } from './api.mjs';
import { el, fill, focusHeading, newId } from './dom.mjs';
import { detailsAsked, detailFields } from './documents.mjs';
import { loadFacts, allFacts, fact, getPath, setPath, deletePath, factField, factLabel, valueLabel } from './facts.mjs';

// The result's view is loaded when the answers are checked, not with the
// start page (docs/performance.md, the first page's budget).
let resultModule = null;
async function loadResultView() {
	if (!resultModule) {
		resultModule = await import('./result-view.mjs');
		resultModule.openSourcesForPrint();
	}
	return resultModule;
}

const view = document.getElementById('view');
const state = {
	packs: [],
	case: null,        // the answers, as a case
	answered: [],      // fact paths answered, in the order asked
	skipped: new Set(),// facts answered "I don't know"
	docsDone: false,   // the documents page was filled in
	result: null,      // the latest result of POST /check
	current: null,     // [view function, argument] shown now
	trail: [],         // views shown before, for Back
};

// Derived facts are never written in a case (docs/format.md 1.1): age from
// the birth date; agent.present is the member "agent" (null or an object).
const WRITTEN_AS = { 'applicant.age': 'applicant.birth_date' };
const asked = (path) => WRITTEN_AS[path] || path;

function readFact(path) {
	if (path === 'agent.present') {
		const a = state.case.agent;
		return a === undefined ? undefined : a !== null;
	}
	return getPath(state.case, path);
}

function writeFact(path, v) {
	if (path === 'agent.present') {
		if (v === undefined) delete state.case.agent;
		else if (v === false) state.case.agent = null;
		else if (!state.case.agent) state.case.agent = {};
		return;
	}
	if (v === undefined) deletePath(state.case, path);
	else setPath(state.case, path, v);
}

// ---- views

function show(fn, arg, { back = false } = {}) {
	if (!back && state.current) state.trail.push(state.current);
	state.current = [fn, arg];
	fn(arg);
	// Which view is shown, and a count that moves with every view (tests wait on it).
	document.body.dataset.view = fn.name.replace(/View$/, '');
	document.body.dataset.step = String(Number(document.body.dataset.step || 0) + 1);
	focusHeading(view);
	window.scrollTo(0, 0);
}

function goBack() {
	const prev = state.trail.pop();
	if (prev) show(prev[0], prev[1], { back: true });
}

function backButton() {
	if (!state.trail.length) return null;
	const b = el('button', { type: 'button', class: 'link', 'data-action': 'back' }, t('nav.back'));
	b.addEventListener('click', goBack);
	return el('p', { class: 'no-print' }, b);
}

// Links of an error summary move the focus to their field.
function linkToFields(box) {
	for (const a of box.querySelectorAll('a[href^="#"]')) {
		a.addEventListener('click', (ev) => {
			ev.preventDefault();
			document.getElementById(a.getAttribute('href').slice(1))?.focus();
		});
	}
}

// Clears the marks of an earlier error summary in form.
function clearErrors(form) {
	form.querySelector('.error-summary')?.remove();
	for (const p of form.querySelectorAll('.field-error')) p.remove();
	for (const i of form.querySelectorAll('[aria-invalid]')) {
		i.removeAttribute('aria-invalid');
		const d = (i.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-err')).join(' ');
		if (d) i.setAttribute('aria-describedby', d); else i.removeAttribute('aria-describedby');
	}
}

// An error summary linking to each field in error, and the error again at
// the field (WCAG 3.3.1): errors are [{id: a field's id, text}].
function fieldErrors(form, errors) {
	clearErrors(form);
	if (!errors.length) return false;
	const box = el('div', { class: 'error-summary', role: 'alert', tabindex: '-1' },
		el('h2', {}, t('form.errors')),
		el('ul', {}, errors.map((e) => el('li', {}, el('a', { href: `#${e.id}` }, e.text)))));
	linkToFields(box);
	for (const e of errors) markField(form, e.id, e.text);
	form.prepend(box);
	box.focus();
	return true;
}

// The error at its field: aria-invalid on the input (every radio of a
// group) and the message above it, which the input is described by.
function markField(form, id, text) {
	const input = document.getElementById(id);
	if (!input) return;
	const group = input.closest('fieldset, .form-row') || input.parentElement;
	const msg = el('p', { class: 'field-error', id: `${id}-err` }, text);
	const after = group.querySelector(':scope > legend, :scope > label, :scope > h1');
	if (after) after.after(msg); else group.prepend(msg);
	const inputs = input.type === 'radio' ? group.querySelectorAll(`input[name="${input.name}"]`) : [input];
	for (const i of inputs) {
		i.setAttribute('aria-invalid', 'true');
		i.setAttribute('aria-describedby', [i.getAttribute('aria-describedby'), msg.id].filter(Boolean).join(' '));
	}
}

// The API's error in plain words; when it names a case path asked on this
// page (a field) or answered before (a change link), the summary links there.
function apiError(where, err) {
	where.querySelector(':scope > .error-summary')?.remove();
	const box = errorBox(err);
	const target = err?.path && (where.querySelector(`[data-fact="${CSS.escape(err.path)}"] input`)
		|| view.querySelector(`[data-change="${CSS.escape(err.path)}"]`));
	if (target) {
		if (!target.id) target.id = newId('err');
		box.append(el('ul', {}, el('li', {}, el('a', { href: `#${target.id}` }, t('form.go_to', { what: factLabel(err.path) })))));
		linkToFields(box);
	}
	where.prepend(box);
	box.focus();
}

function packTitle(jurisdiction) {
	const p = state.packs.find((x) => x.jurisdiction === jurisdiction && x.effective.to === null)
		|| state.packs.find((x) => x.jurisdiction === jurisdiction);
	return p ? pick(p.title) : jurisdiction;
}

function startView() {
	const form = el('form', { novalidate: true, 'data-view': 'start' });
	const cityId = newId('city');
	const cities = [];
	for (const p of state.packs) {
		if (cities.some((c) => c.jurisdiction === p.jurisdiction)) continue;
		cities.push(p);
	}
	const city = el('fieldset', { 'data-fact': 'jurisdiction' }, el('legend', {}, t('start.city')));
	cities.forEach((p, i) => {
		const input = el('input', { type: 'radio', name: 'jurisdiction', id: `${cityId}-${i}`, value: p.jurisdiction });
		if (state.case?.jurisdiction === p.jurisdiction) input.checked = true;
		city.append(el('label', { class: 'choice', for: `${cityId}-${i}` }, input, el('span', {}, packTitle(p.jurisdiction))));
	});
	const doc = factField('application.document', factLabel('application.document'), state.case?.application?.document);
	const action = factField('application.action', factLabel('application.action'), state.case?.application?.action);
	form.append(city, doc.node, action.node,
		el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('nav.continue'))));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const j = form.querySelector('input[name=jurisdiction]:checked')?.value;
		const errors = [];
		if (!j) errors.push({ id: `${cityId}-0`, text: t('start.city.missing') });
		if (doc.read() === undefined) errors.push({ id: doc.node.querySelector('input').id, text: t('form.choose', { what: factLabel('application.document') }) });
		if (action.read() === undefined) errors.push({ id: action.node.querySelector('input').id, text: t('form.choose', { what: factLabel('application.action') }) });
		if (fieldErrors(form, errors)) return;
		if (!state.case || state.case.jurisdiction !== j) {
			state.case = { jurisdiction: j };
			state.answered = [];
			state.skipped.clear();
			state.docsDone = false;
		}
		for (const [p, f] of [['application.document', doc], ['application.action', action]]) {
			writeFact(p, f.read());
			if (!state.answered.includes(p)) state.answered.push(p);
		}
		await next(form);
	});

	const file = el('input', { type: 'file', id: 'load-file', accept: '.json,application/json' });
	file.addEventListener('change', () => loadFile(file));
	const load = el('section', { class: 'card no-print', 'aria-labelledby': 'load-h' },
		el('h2', { id: 'load-h' }, t('start.load.title')),
		el('p', {}, t('start.load.text')),
		el('label', { for: 'load-file' }, t('start.load.label')), file);

	fill(view,
		el('h1', {}, t('start.title')),
		el('p', { class: 'lead' }, t('start.lead')),
		form, load);
}

function questionView(q) {
	const path = asked(q.fact);
	const text = path === q.fact ? pick(q) : factLabel(path);
	const field = factField(path, text, readFact(path), { heading: true });
	const form = el('form', { novalidate: true, 'data-view': 'question', 'data-fact': path });
	const unknown = el('button', { type: 'button', class: 'secondary', 'data-action': 'unknown' }, t('question.unknown'));
	form.append(
		el('p', { class: 'muted' }, t('question.count', { n: state.answered.filter((p) => p !== 'application.document' && p !== 'application.action').length + 1 })),
		field.node,
		el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('nav.continue')), unknown));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const v = field.read();
		const input = field.node.querySelector('input');
		if (v === undefined) {
			fieldErrors(form, [{ id: input.id, text: t('form.answer', { what: text }) }]);
			return;
		}
		if (Number.isNaN(v)) {
			fieldErrors(form, [{ id: input.id, text: t('form.whole_number') }]);
			return;
		}
		writeFact(path, v);
		state.skipped.delete(path);
		if (!state.answered.includes(path)) state.answered.push(path);
		await next(form);
	});
	unknown.addEventListener('click', async () => {
		writeFact(path, undefined);
		state.answered = state.answered.filter((p) => p !== path);
		state.skipped.add(path);
		await next(form);
	});
	fill(view, backButton(), form);
}

function documentsView() {
	const form = el('form', { novalidate: true, 'data-view': 'documents' });
	const have = new Map((state.case.documents || []).map((d) => [d.type, d]));
	const rows = [];
	const ids = state.result.materials.map((m) => m.id);
	for (const type of have.keys()) if (!ids.includes(type)) ids.push(type);
	for (const id of ids) {
		const m = state.result.materials.find((x) => x.id === id) || { id, en: id, zh: id };
		const d = have.get(id) || {};
		const cid = newId('doc');
		const box = el('input', { type: 'checkbox', id: cid, 'data-material': id });
		box.checked = have.has(id);
		const doc = { ...d };
		const keys = detailsAsked(m, d);
		const more = keys.length ? el('details', { class: 'doc-more' },
			el('summary', {}, t('doc.more')),
			el('p', { class: 'hint' }, t('doc.more.hint')),
			el('div', { class: 'inline' }, detailFields(keys, doc, cid))) : null;
		if (more && keys.some((k) => d[k] !== undefined && d[k] !== null)) more.open = true;
		const row = el('div', { class: 'doc-row', 'data-material': id },
			el('label', { class: 'choice', for: cid }, box, el('span', {}, pick(m))),
			m.conditional ? el('p', { class: 'hint' }, t('result.conditional'), ' ',
				m.conditional.map((p) => factLabel(p)).join(t('list.sep'))) : null,
			more);
		rows.push({ id, box, row, doc });
	}
	form.append(
		el('h1', {}, t('docs.title')),
		el('p', {}, t('docs.lead')),
		el('fieldset', {}, el('legend', {}, t('docs.legend')), rows.map((r) => r.row)),
		el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('nav.continue'))));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const docs = [];
		for (const r of rows) {
			if (!r.box.checked) continue;
			docs.push({ ...r.doc, type: r.id });
		}
		if (docs.length) state.case.documents = docs; else delete state.case.documents;
		state.docsDone = true;
		await next(form);
	});
	fill(view, backButton(), form);
}

function changeButton(label, onClick, key) {
	const b = el('button', { type: 'button', class: 'link', 'data-change': key }, t('review.change'),
		el('span', { class: 'hidden-visually' }, ` ${label}`));
	b.addEventListener('click', onClick);
	return b;
}

function reviewView() {
	const dl = el('dl', { class: 'facts review', 'data-view-list': 'answers' });
	dl.append(el('dt', {}, t('start.city')),
		el('dd', {}, el('span', {}, packTitle(state.case.jurisdiction)),
			changeButton(t('start.city'), () => show(startView), 'jurisdiction')));
	for (const path of state.answered) {
		const q = { fact: path, ...(fact(path) || {}) };
		dl.append(el('dt', {}, factLabel(path)),
			el('dd', { 'data-fact': path }, el('span', {}, valueLabel(path, readFact(path))),
				changeButton(factLabel(path), () => show(questionView, q), path)));
	}
	for (const path of state.skipped) {
		dl.append(el('dt', {}, factLabel(path)),
			el('dd', { 'data-fact': path }, el('span', { class: 'muted' }, t('value.unknown')),
				changeButton(factLabel(path), () => show(questionView, { fact: path, ...(fact(path) || {}) }), path)));
	}
	const docs = state.case.documents || [];
	const names = docs.map((d) => pick(state.result.materials.find((m) => m.id === d.type)) || d.type);
	dl.append(el('dt', {}, t('review.documents')),
		el('dd', { 'data-fact': 'documents' }, el('span', {}, names.length ? names.join(t('list.sep')) : t('review.no_documents')),
			changeButton(t('review.documents'), () => show(documentsView), 'documents')));
	const see = el('button', { type: 'button', 'data-action': 'result' }, t('review.see_result'));
	see.addEventListener('click', async () => {
		try {
			state.result = await api('POST', '/check', state.case);
			await loadResultView();
			show(resultView);
		} catch (e) { apiError(view, e); }
	});
	fill(view, backButton(),
		el('h1', {}, t('review.title')),
		el('p', {}, t('review.lead')),
		dl,
		el('div', { class: 'actions' }, see, saveButton()));
}

function resultView() {
	const print = el('button', { type: 'button', class: 'secondary', 'data-action': 'print' }, t('result.print'));
	print.addEventListener('click', () => window.print());
	const change = el('button', { type: 'button', class: 'secondary', 'data-action': 'review' }, t('result.change'));
	change.addEventListener('click', () => show(reviewView));
	const again = el('button', { type: 'button', class: 'secondary', 'data-action': 'restart' }, t('result.restart'));
	again.addEventListener('click', () => {
		state.case = null; state.answered = []; state.skipped.clear(); state.docsDone = false; state.trail = [];
		show(startView);
	});
	fill(view,
		el('h1', {}, t('result.heading', { city: packTitle(state.case.jurisdiction) })),
		resultModule.renderResult(state.result, { onAnswer: (f) => show(questionView, { fact: f, ...(fact(f) || {}) }) }),
		el('div', { class: 'actions' }, print, saveButton(), change, again),
		el('p', {}, appointmentLink()));
}

// The appointment page (appointment.mjs) attaches the answers handed over in
// this tab's sessionStorage.
function appointmentLink() {
	const a = el('a', { href: '/appointment', 'data-action': 'appointment' }, t('result.appointment'));
	a.addEventListener('click', () => {
		try { sessionStorage.setItem('permitdesk.answers', JSON.stringify(state.case)); } catch { /* not kept: a saved file attaches them */ }
	});
	return a;
}

// ---- moving on

// Sends the answers; shows the first question not yet answered nor
// skipped, else the documents (once), else the check of the answers.
async function next(where) {
	let result;
	try {
		result = await api('POST', '/check', state.case);
	} catch (e) {
		apiError(where || view, e);
		return;
	}
	state.result = result;
	const q = result.questions.find((x) => !state.answered.includes(asked(x.fact)) && !state.skipped.has(asked(x.fact)));
	if (q) show(questionView, q);
	else if (!state.docsDone) show(documentsView);
	else show(reviewView);
}

// ---- the answers file

function saveButton() {
	const b = el('button', { type: 'button', class: 'secondary', 'data-action': 'save' }, t('file.save'));
	b.addEventListener('click', () => {
		const blob = new Blob([`${JSON.stringify(state.case, null, 2)}\n`], { type: 'application/json' });
		const a = el('a', { href: URL.createObjectURL(blob), download: `permitdesk-${state.case.jurisdiction}-answers.json` });
		document.body.append(a);
		a.click();
		a.remove();
		setTimeout(() => URL.revokeObjectURL(a.href), 10000);
	});
	return b;
}

// Every fact written in a case, in the order of GET /facts.
function writtenFacts(c) {
	const out = [];
	for (const [path, f] of allFacts()) {
		if (path === 'jurisdiction' || f.derived && path !== 'agent.present') continue;
		const v = path === 'agent.present' ? (c.agent === undefined ? undefined : c.agent !== null) : getPath(c, path);
		if (v !== undefined && v !== null) out.push(path);
	}
	return out;
}

async function loadFile(input) {
	const f = input.files[0];
	if (!f) return;
	const where = view.querySelector('.card') || view;
	let c;
	try {
		c = JSON.parse(await f.text());
	} catch (e) {
		apiError(where, { message: t('file.not_json', { error: e.message }) });
		return;
	}
	try {
		state.result = await api('POST', '/check', c);
	} catch (e) {
		apiError(where, e);
		return;
	}
	state.case = c;
	state.answered = writtenFacts(c);
	state.skipped.clear();
	state.docsDone = true;
	show(reviewView);
}

// ---- start

async function main() {
	await initI18n();
	try {
		const [policy] = await Promise.all([api('GET', '/policy'), loadFacts()]);
		state.packs = policy.packs;
	} catch (e) {
		fill(view, errorBox(e));
		return;
	}
	onLangChange(() => { if (state.current) state.current[0](state.current[1]); });
	show(startView);
	document.body.dataset.ready = 'true';
}

main();
