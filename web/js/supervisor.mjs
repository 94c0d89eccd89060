// supervisor.mjs: overdue cases and each reviewer's load (/supervisor).
import { initI18n, onLangChange, t } from './i18n.mjs';
import { allPages, errorBox } from './api.mjs';
import { el, fill, focusHeading, tableWrap, done } from './dom.mjs';
import { whoami, showWho, loginView } from './session.mjs';

const view = document.getElementById('view');
let me = null;

const caseLink = (c) => el('a', { href: `/officer?case=${encodeURIComponent(c.id)}` }, c.number);

async function render() {
	if (!me) {
		loginView(view, (m) => { me = m; render(); });
		done('login');
		return;
	}
	let overdue;
	let review;
	try {
		[overdue, review] = await Promise.all([allPages('/cases?overdue=true'), allPages('/cases?state=in_review')]);
	} catch (e) {
		fill(view, errorBox(e));
		done('error');
		return;
	}
	const load = new Map();
	for (const c of review) load.set(c.assignee ?? '', (load.get(c.assignee ?? '') || 0) + 1);
	fill(view,
		el('h1', {}, t('sup.title')),
		el('h2', {}, t('sup.overdue'), ` (${overdue.length})`),
		overdue.length ? tableWrap(t('sup.overdue'), el('table', { 'data-list': 'overdue' },
			el('thead', {}, el('tr', {}, ['number', 'name', 'state', 'decision_by', 'assignee'].map((k) => el('th', { scope: 'col' }, t(`queue.col.${k}`))))),
			el('tbody', {}, overdue.map((c) => el('tr', { 'data-case': c.number },
				el('td', {}, caseLink(c)), el('td', {}, c.applicant_name || '—'), el('td', {}, t(`state.${c.state}`)),
				el('td', { class: 'overdue' }, c.decision_by || '—'), el('td', {}, c.assignee || t('sup.unassigned')))))))
			: el('p', { 'data-list': 'overdue' }, t('sup.none_overdue')),
		el('h2', {}, t('sup.load')),
		tableWrap(t('sup.load'), el('table', { 'data-list': 'load' },
			el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('sup.reviewer')), el('th', { scope: 'col' }, t('sup.cases')))),
			el('tbody', {}, [...load].sort((a, b) => b[1] - a[1]).map(([who, n]) => el('tr', { 'data-assignee': who, 'data-count': String(n) },
				el('td', {}, who || t('sup.unassigned')),
				el('td', {}, String(n))))))));
	focusHeading(view);
	done('supervisor');
}

async function main() {
	await initI18n({ desk: true });
	try { me = await whoami(); } catch (e) { fill(view, errorBox(e)); return; }
	showWho(me);
	onLangChange(() => { showWho(me); render(); });
	await render();
}

main();
