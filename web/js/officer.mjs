// officer.mjs: the officer console (/officer, /officer?case=ID): the queue, a
// case with exactly its allowed_actions, documents, checklist (docs/web.md).
import { initI18n, onLangChange, t, pick } from './i18n.mjs';
import { api, errorBox } from './api.mjs';
import { el, fill, focusHeading, newId, tableWrap, done } from './dom.mjs';
import { detailsAsked, detailFields } from './documents.mjs';
import { loadFacts, allFacts, fact, getPath, factLabel, valueLabel } from './facts.mjs';
import { renderResult, verdictBox, openSourcesForPrint } from './result-view.mjs';
import { whoami, showWho, loginView } from './session.mjs';

const view = document.getElementById('view');
let me = null;
let schemas = null;

// The data each action takes (docs/api.md, POST /cases/{id}/actions/{action});
// every action also takes a note.
const ACTION_DATA = {
	assign: ['to'],
	add_task: ['kind', 'due'],
	complete_task: ['task', 'outcome'],
	revoke: ['ground'],
	collect: ['method'],
	resubmit: ['case'],
};

const params = () => new URLSearchParams(location.search);

function showError(where, err) {
	where.querySelector(':scope > .error-summary')?.remove();
	const box = errorBox(err);
	where.prepend(box);
	box.focus();
}

// ---- the queue

async function queueView() {
	const p = params();
	const filters = el('form', { class: 'card no-print', 'data-view': 'filters', role: 'search' },
		el('div', { class: 'inline' },
			el('div', {}, el('label', { for: 'f-q' }, t('queue.q')),
				el('input', { type: 'search', id: 'f-q', name: 'q', value: p.get('q') || '' })),
			el('div', {}, el('label', { for: 'f-state' }, t('queue.state')),
				el('select', { id: 'f-state', name: 'state' }, el('option', { value: '' }, t('queue.any')),
					schemas.State.enum.map((s) => el('option', { value: s, selected: p.get('state') === s }, t(`state.${s}`))))),
			el('div', {}, el('label', { class: 'choice', for: 'f-overdue' },
				el('input', { type: 'checkbox', id: 'f-overdue', name: 'overdue', checked: p.get('overdue') === 'true' }),
				el('span', {}, t('queue.overdue'))))),
		el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('queue.search'))));
	filters.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const q = new URLSearchParams();
		if (filters.elements.q.value.trim()) q.set('q', filters.elements.q.value.trim());
		if (filters.elements.state.value) q.set('state', filters.elements.state.value);
		if (filters.elements.overdue.checked) q.set('overdue', 'true');
		history.pushState(null, '', `${location.pathname}${q.toString() ? `?${q}` : ''}`);
		route();
	});

	const file = el('input', { type: 'file', id: 'new-case-file', accept: '.json,application/json' });
	const create = el('section', { class: 'card no-print', 'aria-labelledby': 'new-h' },
		el('h2', { id: 'new-h' }, t('queue.new')),
		el('p', {}, t('queue.new.text')),
		el('label', { for: 'new-case-file' }, t('queue.new.label')), file);
	file.addEventListener('change', async () => {
		const f = file.files[0];
		if (!f) return;
		try {
			const created = await api('POST', '/cases', await f.text());
			openCase(created.id);
		} catch (e) { showError(create, e); }
	});

	const table = el('table', { 'data-list': 'cases' },
		el('caption', { class: 'hidden-visually' }, t('queue.title')),
		el('thead', {}, el('tr', {}, ['number', 'name', 'state', 'verdict', 'decision_by', 'assignee'].map((k) => el('th', { scope: 'col' }, t(`queue.col.${k}`))))));
	const tbody = el('tbody');
	table.append(tbody);
	const more = el('button', { type: 'button', class: 'secondary hidden', 'data-action': 'more' }, t('queue.more'));
	const status = el('p', { class: 'muted', role: 'status' });
	const q = new URLSearchParams();
	for (const k of ['q', 'state', 'overdue']) if (p.get(k)) q.set(k, p.get(k));
	q.set('limit', '25');
	let after = null;
	let shown = 0;
	const loadPage = async () => {
		const qq = new URLSearchParams(q);
		if (after) qq.set('after', after);
		const page = await api('GET', `/cases?${qq}`);
		const rows = [...page.cases].sort((a, b) => Number(b.overdue) - Number(a.overdue));
		for (const c of rows) {
			const a = el('a', { href: `?case=${c.id}` }, c.number);
			a.addEventListener('click', (ev) => { ev.preventDefault(); openCase(c.id); });
			tbody.append(el('tr', { 'data-case': c.number, 'data-state': c.state },
				el('td', {}, a),
				el('td', {}, c.applicant_name || '—'),
				el('td', {}, t(`state.${c.state}`)),
				el('td', {}, t(`verdict.${c.verdict}`)),
				el('td', { class: c.overdue ? 'overdue' : '' }, c.decision_by || '—', c.overdue ? ` (${t('queue.is_overdue')})` : ''),
				el('td', {}, c.assignee || '—')));
		}
		shown += page.count;
		status.textContent = t('queue.count', { n: shown, as_of: page.as_of });
		after = page.next;
		more.classList.toggle('hidden', !after);
	};
	more.addEventListener('click', async () => {
		try { await loadPage(); } catch (e) { showError(view, e); }
	});
	fill(view, el('h1', {}, t('queue.title')), filters, status, tableWrap(t('queue.title'), table),
		el('div', { class: 'actions' }, more), create);
	try { await loadPage(); } catch (e) { showError(view, e); }
	done('queue');
}

function openCase(id) {
	history.pushState(null, '', `${location.pathname}?case=${encodeURIComponent(id)}`);
	route();
}

// ---- one case

function facts(c) {
	const dl = el('dl', { class: 'facts', 'data-list': 'facts' });
	for (const [path, f] of allFacts()) {
		if (f.derived && path !== 'agent.present') continue;
		const v = path === 'agent.present' ? (c.agent === undefined ? undefined : c.agent !== null) : getPath(c, path);
		if (v === undefined || v === null) continue;
		dl.append(el('dt', {}, factLabel(path)), el('dd', { 'data-fact': path }, valueLabel(path, v)));
	}
	return dl;
}

function dataField(action, name, cv) {
	const id = newId(`a-${name}`);
	const prop = schemas.ActionData.properties[name];
	let input;
	if (name === 'task') {
		input = el('select', { id, name }, cv.tasks.filter((x) => x.outcome === null).map((x) =>
			el('option', { value: String(x.n) }, `${x.n}: ${t(`data.kind.${x.kind}`)}${x.due ? ` (${x.due})` : ''}`)));
	} else if (prop.enum) {
		input = el('select', { id, name }, prop.enum.map((v) => el('option', { value: v }, t(`data.${name}.${v}`))));
	} else if (name === 'case') {
		input = el('input', { type: 'file', id, name, accept: '.json,application/json' });
	} else {
		input = el('input', { type: prop.format === 'date' ? 'date' : 'text', id, name });
	}
	return el('div', { class: 'form-row' }, el('label', { for: id }, t(`data.${name}`)), input);
}

function actionForm(cv, action) {
	const form = el('form', { class: 'card', 'data-action-form': action },
		el('h3', {}, t(`action.${action}`)),
		(ACTION_DATA[action] || []).map((n) => dataField(action, n, cv)),
		el('div', { class: 'form-row' }, el('label', { for: `note-${action}` }, t('data.note')),
			el('textarea', { id: `note-${action}`, name: 'note', rows: 2 })),
		el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('action.confirm', { action: t(`action.${action}`) }))));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const body = {};
		for (const n of ACTION_DATA[action] || []) {
			const input = form.elements[n];
			if (n === 'case') {
				if (input.files[0]) body.case = JSON.parse(await input.files[0].text());
			} else if (n === 'task') {
				if (input.value) body.task = Number(input.value);
			} else if (input.value.trim()) {
				body[n] = input.value.trim();
			}
		}
		if (form.elements.note.value.trim()) body.note = form.elements.note.value.trim();
		try {
			await api('POST', `/cases/${encodeURIComponent(cv.id)}/actions/${action}`, Object.keys(body).length ? body : undefined);
			await caseView(cv.id, t('action.done', { action: t(`action.${action}`) }));
		} catch (e) { showError(form, e); }
	});
	return form;
}

function documentsEditor(cv) {
	const ids = cv.result.materials.map((m) => m.id);
	const docs = (cv.facts.documents || []).map((d) => ({ ...d }));
	for (const d of docs) if (!ids.includes(d.type)) ids.push(d.type);
	const label = (id) => pick(cv.result.materials.find((m) => m.id === id)) || id;
	const form = el('form', { class: 'card no-print', 'data-view': 'documents' });
	const list = el('div');
	const render = () => {
		fill(list, docs.map((d, i) => {
			const id = newId('d');
			const rm = el('button', { type: 'button', class: 'link' }, t('docs.remove'), el('span', { class: 'hidden-visually' }, ` ${label(d.type)}`));
			rm.addEventListener('click', () => { docs.splice(i, 1); render(); });
			return el('div', { class: 'doc-row', 'data-document': d.type },
				el('strong', {}, label(d.type)), ' ', rm,
				el('div', { class: 'inline' },
					detailFields(detailsAsked(cv.result.materials.find((m) => m.id === d.type), d), d, id)));
		}));
	};
	render();
	const add = el('select', { id: 'doc-add' }, ids.map((m) => el('option', { value: m }, label(m))));
	const addBtn = el('button', { type: 'button', class: 'secondary', 'data-action': 'add-document' }, t('docs.add'));
	addBtn.addEventListener('click', () => { docs.push({ type: add.value }); render(); });
	form.append(el('h2', {}, t('case.documents')), list,
		el('div', { class: 'inline' }, el('div', {}, el('label', { for: 'doc-add' }, t('docs.add.label')), add), el('div', {}, addBtn)),
		el('div', { class: 'form-row' }, el('label', { for: 'doc-note' }, t('data.note')), el('textarea', { id: 'doc-note', rows: 2 })),
		el('div', { class: 'actions' }, el('button', { type: 'submit', 'data-action': 'save-documents' }, t('docs.save'))));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const body = { documents: docs };
		const note = form.querySelector('#doc-note').value.trim();
		if (note) body.note = note;
		try {
			await api('POST', `/cases/${encodeURIComponent(cv.id)}/documents`, body);
			await caseView(cv.id, t('docs.saved'));
		} catch (e) { showError(form, e); }
	});
	return form;
}

function table(name, cols, rows, label) {
	if (!rows.length) return el('p', { class: 'muted', 'data-list': name }, t('result.none'));
	return tableWrap(label, el('table', { 'data-list': name },
		el('thead', {}, el('tr', {}, cols.map(([k]) => el('th', { scope: 'col' }, t(`col.${k}`))))),
		el('tbody', {}, rows.map((r) => el('tr', {}, cols.map(([, f]) => el('td', {}, f(r) ?? '—')))))));
}

async function caseView(id, message) {
	let cv;
	try {
		cv = await api('GET', `/cases/${encodeURIComponent(id)}`);
	} catch (e) {
		fill(view, el('p', {}, backLink()));
		showError(view, e);
		done('case-error');
		return;
	}
	const d = cv.deadlines;
	const actions = el('section', { class: 'no-print', 'aria-labelledby': 'actions-h' },
		el('h2', { id: 'actions-h' }, t('case.actions')));
	const forms = el('div');
	if (cv.allowed_actions.length) {
		const bar = el('div', { class: 'actions', 'data-list': 'allowed-actions' });
		for (const a of cv.allowed_actions) {
			const b = el('button', { type: 'button', class: 'secondary', 'data-allowed-action': a, 'aria-expanded': 'false' }, t(`action.${a}`));
			b.addEventListener('click', () => {
				for (const o of bar.querySelectorAll('button')) o.setAttribute('aria-expanded', String(o === b));
				const f = actionForm(cv, a);
				fill(forms, f);
				f.querySelector('input, select, textarea')?.focus();
			});
			bar.append(b);
		}
		actions.append(bar, forms);
	} else {
		actions.append(el('p', { class: 'muted' }, t('case.no_actions')));
	}
	// What a rule of the deployment withholds from this user (the separation
	// of duties): shown disabled, with the API's reason.  aria-disabled keeps
	// the button in the keyboard's path, so its reason is heard too.
	const withheld = cv.withheld_actions || [];
	if (withheld.length) {
		actions.append(el('ul', { class: 'items', 'data-list': 'withheld-actions' }, withheld.map((w) => {
			const id = newId('withheld');
			return el('li', {},
				el('button', { type: 'button', class: 'secondary', 'aria-disabled': 'true', 'aria-describedby': id, 'data-withheld-action': w.action },
					t(`action.${w.action}`)),
				el('p', { class: 'hint', id }, `${t('case.withheld')} `, w.reason));
		})));
	}
	const print = el('button', { type: 'button', class: 'secondary', 'data-action': 'print' }, t('case.print'));
	print.addEventListener('click', () => window.print());
	fill(view,
		el('p', { class: 'no-print' }, backLink()),
		message ? el('p', { class: 'status', role: 'status' }, message) : null,
		el('h1', {}, t('case.title', { number: cv.number })),
		el('p', { 'data-state': cv.state }, el('strong', {}, `${t('queue.col.state')}: `), t(`state.${cv.state}`),
			' · ', `${t('case.pack')}: ${cv.policy.pack} (${cv.policy.version})`,
			' · ', `${t('queue.col.assignee')}: ${cv.assignee || '—'}`),
		verdictBox(cv.result),
		el('h2', {}, t('case.deadlines')),
		el('dl', { class: 'facts', 'data-list': 'deadlines' },
			el('dt', {}, t('case.receipt')), el('dd', {}, cv.receipt ? `${cv.receipt.number} (${cv.receipt.accepted_on})` : '—'),
			el('dt', {}, t('result.decision_by')), el('dd', {}, d.decision_by || '—',
				d.processing_days !== null ? ` ${t('result.working_days', { n: d.processing_days })}` : ''),
			el('dt', {}, t('result.receipt_valid_until')), el('dd', {}, d.receipt_valid_until || '—',
				d.receipt_days !== null ? ` ${t('result.working_days', { n: d.receipt_days })}` : ''),
			el('dt', {}, t('case.paused_days')), el('dd', {}, String(d.paused_days)),
			cv.supplement ? [el('dt', {}, t('case.supplement')), el('dd', {}, t('case.supplement.since', { since: cv.supplement.since, state: t(`state.${cv.supplement.requested_in}`) }))] : null),
		actions,
		el('div', { class: 'actions no-print' }, print),
		me.capabilities.includes('case_documents') ? documentsEditor(cv) : null,
		el('h2', {}, t('case.checklist')),
		renderResult(cv.result, { withVerdict: false }),
		el('h2', {}, t('case.facts')), facts(cv.facts),
		el('h2', {}, t('case.tasks')),
		table('tasks', [['n', (x) => x.n], ['kind', (x) => t(`data.kind.${x.kind}`)], ['due', (x) => x.due], ['outcome', (x) => (x.outcome ? t(`data.outcome.${x.outcome}`) : null)], ['by', (x) => x.completed_by || x.created_by]], cv.tasks, t('case.tasks')),
		el('h2', {}, t('case.notices')),
		table('notices', [['n', (x) => x.n], ['on', (x) => x.issued_on], ['by', (x) => x.issued_by], ['note', (x) => x.note], ['answered', (x) => x.answered_on]], cv.notices, t('case.notices')),
		el('h2', {}, t('case.decisions')),
		table('decisions', [['n', (x) => x.n], ['action', (x) => t(`action.${x.action}`)], ['on', (x) => x.decided_on], ['by', (x) => x.decided_by], ['ground', (x) => (x.ground ? t(`data.ground.${x.ground}`) : null)], ['note', (x) => x.note]], cv.decisions, t('case.decisions')),
		el('h2', {}, t('case.history')),
		table('history', [['seq', (x) => x.seq], ['on', (x) => x.at], ['by', (x) => `${x.actor} (${t(`role.${x.role}`)})`], ['action', (x) => t(`action.${x.action}`)], ['to', (x) => (x.to ? t(`state.${x.to}`) : null)], ['note', (x) => x.note]], cv.history, t('case.history')));
	focusHeading(view);
	done('case');
}

function backLink() {
	const a = el('a', { href: location.pathname, 'data-action': 'queue' }, t('case.back'));
	a.addEventListener('click', (ev) => {
		ev.preventDefault();
		history.pushState(null, '', location.pathname);
		route();
	});
	return a;
}

// ---- start

async function route() {
	if (!me) {
		loginView(view, (m) => { me = m; route(); });
		done('login');
		return;
	}
	const id = params().get('case');
	if (id) await caseView(id);
	else await queueView();
}

async function main() {
	await initI18n({ desk: true });
	openSourcesForPrint();
	try {
		const [openapi] = await Promise.all([api('GET', '/openapi.json'), loadFacts()]);
		schemas = openapi.components.schemas;
		me = await whoami();
	} catch (e) {
		fill(view, errorBox(e));
		return;
	}
	showWho(me);
	addEventListener('popstate', route);
	onLangChange(() => { showWho(me); route(); });
	await route();
}

main();
