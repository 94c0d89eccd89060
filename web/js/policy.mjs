// policy.mjs: the policy browser (/policy?pack=P&rule=ID&q=WORDS, docs/web.md).
import { initI18n, onLangChange, t, pick, otherLang, langTag } from './i18n.mjs';
import { api, errorBox } from './api.mjs';
import { el, fill, focusHeading, tableWrap, done } from './dom.mjs';

const view = document.getElementById('view');
let policy = null;
let data = null;

const params = () => new URLSearchParams(location.search);

const ruleAnchor = (id) => `rule-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

async function load(pack) {
	const enc = encodeURIComponent(pack);
	const [rules, conflicts, clauses] = await Promise.all([
		api('GET', `/policy/${enc}/rules`), api('GET', `/policy/${enc}/conflicts`), api('GET', `/policy/${enc}/clauses`)]);
	data = { pack, rules: rules.rules, version: rules.version, conflicts: conflicts.conflicts, clauses: clauses.clauses };
}

function packCard(p) {
	return el('li', { 'data-pack': p.id },
		el('strong', {}, pick(p.title)), ` (${p.id})`,
		el('p', { class: 'muted' },
			t('pol.in_force', { from: p.effective.from, to: p.effective.to || t('pol.open_end') }),
			p.extends ? ` · ${t('pol.extends', { pack: p.extends })}` : '',
			` · ${t('pol.version', { version: p.version })} · ${t('pol.rule_count', { n: p.rules })}`));
}

function render() {
	const pack = data.pack;
	const select = el('select', { id: 'pol-pack' }, policy.packs.map((p) => el('option', { value: p.id, selected: p.id === pack }, `${pick(p.title)} (${p.id})`)));
	select.addEventListener('change', async () => {
		history.pushState(null, '', `?pack=${encodeURIComponent(select.value)}`);
		await show();
	});
	const search = el('input', { type: 'search', id: 'pol-search', value: params().get('q') || '' });
	const count = el('p', { class: 'muted', role: 'status', id: 'pol-count' });

	const rules = el('ul', { class: 'items', 'data-list': 'rules' }, data.rules.map((r) => el('li', { class: 'rule', id: ruleAnchor(r.id), 'data-rule': r.id },
		el('h3', {}, el('code', {}, r.id)),
		el('p', {}, pick(r)),
		r[otherLang()] ? el('p', { class: 'muted', lang: langTag(otherLang()) }, r[otherLang()]) : null,
		el('p', { class: 'muted' }, `${t('pol.col.source')}: `, r.source ? el('span', { lang: 'en' }, r.source) : '—', ` · ${t('pol.col.layer')}: ${r.layer}`,
			r.replaces ? ` · ${t('pol.replaces', { layer: r.replaces })}` : '',
			` · ${t('pol.written', { file: r.file, line: r.line })}`))));
	const conflicts = data.conflicts.length
		? el('ul', { class: 'items', 'data-list': 'conflicts' }, data.conflicts.map((c) => el('li', { 'data-conflict': c.id },
			el('h3', {}, pick(c.topic)),
			el('p', {}, el('strong', {}, `${t('pol.sources')}: `), el('span', { lang: 'en' }, c.sources), ` · ${t('pol.col.layer')}: ${c.layer}`),
			el('p', {}, el('strong', {}, `${t('pol.choice')}: `), pick(c.choice)))))
		: el('p', { class: 'muted', 'data-list': 'conflicts' }, t('result.none'));
	const clauses = data.clauses.length
		? tableWrap(t('pol.clauses'), el('table', { 'data-list': 'clauses' },
			el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('pol.sources')), el('th', { scope: 'col' }, t('pol.col.source')), el('th', { scope: 'col' }, t('pol.cited_by')))),
			el('tbody', {}, data.clauses.map((c) => el('tr', { 'data-clause': `${c.source} ${c.clause}` },
				el('td', { lang: 'en' }, c.source), el('td', { lang: 'en' }, c.clause),
				el('td', {}, c.informational ? `${t('pol.informational')} ${c.informational}` : null,
					c.rules.map((id, i) => [i ? ', ' : '', el('a', { href: `#${ruleAnchor(id)}` }, id)])))))))
		: el('p', { class: 'muted', 'data-list': 'clauses' }, t('result.none'));

	const filter = () => {
		const q = search.value.trim().toLowerCase();
		let shown = 0;
		const items = [...view.querySelectorAll('[data-rule], [data-conflict], [data-clause]')];
		for (const item of items) {
			const hit = !q || item.textContent.toLowerCase().includes(q);
			item.classList.toggle('hidden', !hit);
			if (hit && item.dataset.rule) shown++;
		}
		count.textContent = t('pol.matches', { n: shown, total: data.rules.length });
		const u = new URL(location.href);
		if (q) u.searchParams.set('q', search.value.trim()); else u.searchParams.delete('q');
		history.replaceState(null, '', u);
	};
	search.addEventListener('input', filter);

	fill(view,
		el('h1', {}, t('pol.title')),
		el('p', { class: 'lead' }, t('pol.lead')),
		el('ul', { class: 'items', 'data-list': 'packs' }, policy.packs.map(packCard)),
		el('p', { class: 'muted' }, t('pol.calendar', { first: policy.calendar.first_year, last: policy.calendar.last_year })),
		el('div', { class: 'card no-print', role: 'search' },
			el('div', { class: 'inline' },
				el('div', {}, el('label', { for: 'pol-pack' }, t('pol.pack')), select),
				el('div', {}, el('label', { for: 'pol-search' }, t('pol.search')), search))),
		count,
		el('h2', {}, t('pol.rules'), ` (${data.rules.length})`), rules,
		el('h2', {}, t('pol.conflicts'), ` (${data.conflicts.length})`), conflicts,
		el('h2', {}, t('pol.clauses'), ` (${data.clauses.length})`), clauses);
	filter();
	const rule = params().get('rule');
	const target = rule && document.getElementById(ruleAnchor(rule));
	if (target) {
		target.setAttribute('tabindex', '-1');
		target.classList.add('target');
		target.scrollIntoView();
		target.focus();
	} else {
		focusHeading(view);
	}
}

async function show() {
	const p = params();
	const pack = p.get('pack') && policy.packs.some((x) => x.id === p.get('pack')) ? p.get('pack')
		: (policy.packs.find((x) => x.effective.to === null) || policy.packs[0]).id;
	try {
		await load(pack);
	} catch (e) {
		fill(view, errorBox(e));
		done('error');
		return;
	}
	render();
	done('policy');
}

async function main() {
	await initI18n({ desk: true });
	try {
		policy = await api('GET', '/policy');
	} catch (e) {
		fill(view, errorBox(e));
		return;
	}
	addEventListener('popstate', show);
	onLangChange(() => render());
	await show();
}

main();
