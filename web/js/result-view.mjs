// result-view.mjs: a result (docs/format.md 2) as the complete one-time
// notice, for the pre-check and the case page alike (docs/web.md).
import { t, pick, lang, otherLang, langTag } from './i18n.mjs';
import { el } from './dom.mjs';
import { factLabel } from './facts.mjs';

export function source(src, layer, rule, pack) {
	if (!src && !rule) return null;
	return el('details', { class: 'src' },
		el('summary', {}, t('result.source')),
		el('p', {}, src ? el('span', { lang: 'en' }, src) : '—', layer ? ` · ${t('result.layer', { layer })}` : ''),
		rule ? el('p', {}, el('a', { href: `/policy?pack=${encodeURIComponent(pack || '')}&rule=${encodeURIComponent(rule)}` },
			t('result.rule_read'), ' ', el('code', {}, rule))) : null);
}

function group(result) {
	const have = [];
	const bring = [];
	const fix = [];
	for (const m of result.materials) {
		if (m.status === 'provided') have.push(m);
		else if (m.status === 'missing') bring.push(m);
		else fix.push(m);
	}
	return { have, bring, fix };
}

function material(m) {
	const li = el('li', { 'data-material': m.id, 'data-status': m.status },
		el('span', { class: `tag ${m.status}` }, t(`status.${m.status}`)),
		el('span', { class: 'mtext' }, pick(m)));
	if (m.detail) li.append(el('p', { class: 'reason' }, t('result.reason'), ' ', pick(m.detail)));
	if (m.conditional) {
		li.append(el('p', { class: 'reason muted' }, t('result.conditional'), ' ',
			m.conditional.map((p) => factLabel(p)).join(t('list.sep'))));
	}
	li.append(source(m.source, m.layer));
	return li;
}

function dateRow(label, value, src, extra) {
	if (value === null || value === undefined) return null;
	return el('li', {}, el('strong', {}, `${label}: `), String(value), extra ? ` ${extra}` : '', source(src));
}

export function verdictBox(result, headingLevel = 'h2') {
	return el('div', { class: `verdict ${result.verdict}`, 'data-verdict': result.verdict },
		el(headingLevel, {}, t(`verdict.${result.verdict}`)),
		el('p', {}, t(`verdict.${result.verdict}.explain`)));
}

/*
 * The notice for one result.  opts.withVerdict (default true) puts the
 * verdict first; opts.questions lists the open questions with a button each
 * when opts.onAnswer(fact) is given.
 */
export function renderResult(result, opts = {}) {
	const pack = result.policy?.pack;
	const root = el('section', { class: 'result', 'aria-label': t('result.title') });
	if (opts.withVerdict !== false) root.append(verdictBox(result));
	const failed = result.findings.filter((f) => f.outcome === 'fail');
	if (failed.length) {
		root.append(el('h2', {}, t('result.failed')),
			el('ul', { class: 'items', 'data-list': 'failed' }, failed.map((f) => el('li', { 'data-rule': f.rule },
				el('span', { class: 'tag fail' }, t('outcome.fail')), pick(f), source(f.source, f.layer, f.rule, pack)))));
	}
	root.append(el('p', { class: 'muted' }, t('result.as_of', { date: result.date, pack, version: result.policy?.version })));

	if (result.questions.length) {
		root.append(el('h2', {}, t('result.questions')),
			el('ul', { class: 'items', 'data-list': 'questions' }, result.questions.map((q) => el('li', { 'data-fact': q.fact },
				pick(q), opts.onAnswer ? [' ', el('button', { type: 'button', class: 'link', 'data-answer': q.fact },
					t('result.answer_it'))] : null))));
		if (opts.onAnswer) {
			for (const b of root.querySelectorAll('[data-answer]')) b.addEventListener('click', () => opts.onAnswer(b.dataset.answer));
		}
	}

	const g = group(result);
	root.append(el('h2', {}, t('result.materials'), ` (${result.materials.length})`));
	const sections = [['fix', g.fix], ['bring', g.bring], ['have', g.have]];
	for (const [k, list] of sections) {
		root.append(el('h3', {}, t(`result.group.${k}`), ` (${list.length})`));
		root.append(list.length ? el('ul', { class: 'items', 'data-group': k }, list.map(material))
			: el('p', { class: 'muted', 'data-group': k }, t('result.none')));
	}

	root.append(el('h2', {}, t('result.money_dates')));
	const ul = el('ul', { class: 'items', 'data-list': 'figures' });
	if (result.fee) {
		ul.append(el('li', { 'data-figure': 'fee' }, el('strong', {}, `${t('result.fee')}: `),
			result.fee.cny === null ? t('result.fee_unknown') : t('result.cny', { n: result.fee.cny }),
			result.fee.persons > 1 && result.fee.per_person !== null
				? ` (${t('result.fee_persons', { persons: result.fee.persons, each: result.fee.per_person })})` : '',
			el('p', { class: 'reason' }, pick(result.fee)), source(result.fee.source)));
	}
	if (result.deposit) {
		ul.append(el('li', { 'data-figure': 'deposit' }, el('strong', {}, `${t('result.deposit')}: `),
			t('result.cny', { n: result.deposit.cny }),
			result.deposit.frozen_days !== null ? ` · ${t('result.frozen', { n: result.deposit.frozen_days })}` : '',
			pick(result.deposit) ? el('p', { class: 'reason' }, pick(result.deposit)) : null, source(result.deposit.source)));
	}
	const add = (...xs) => { for (const x of xs) if (x) ul.append(x); };
	const d = result.dates;
	add(
		dateRow(t('result.apply_by'), d.apply_by, d.sources.apply_by),
		dateRow(t('result.decision_by'), d.decision_by, d.sources.decision_by,
			d.processing_days !== null ? t('result.working_days', { n: d.processing_days }) : ''),
		dateRow(t('result.receipt_valid_until'), d.receipt_valid_until, d.sources.receipt_valid_until,
			d.receipt_days !== null ? t('result.working_days', { n: d.receipt_days }) : ''));
	if (d.provisional) add(el('li', {}, t('result.provisional')));
	const l = result.limits;
	add(
		dateRow(t('result.max_days'), l.max_days, l.sources.max_days),
		dateRow(t('result.max_visa_validity_days'), l.max_visa_validity_days, l.sources.max_visa_validity_days),
		dateRow(t('result.valid_until_max'), l.valid_until_max, l.sources.valid_until_max));
	root.append(ul.children.length ? ul : el('p', { class: 'muted' }, t('result.none')));

	root.append(el('h2', {}, t('result.representation')));
	const r = result.representation;
	if (r) {
		const yn = (v) => (v === null ? t('value.depends') : v ? t('value.yes') : t('value.no'));
		root.append(el('ul', { class: 'items', 'data-list': 'representation' },
			el('li', {}, el('strong', {}, `${t('result.agent_allowed')}: `), yn(r.agent_allowed)),
			el('li', {}, el('strong', {}, `${t('result.in_person_required')}: `), yn(r.in_person_required)),
			pick(r) ? el('li', {}, pick(r), source(r.source)) : null));
	} else {
		root.append(el('p', { class: 'muted' }, t('result.none')));
	}

	root.append(el('h2', {}, t('result.offices')));
	if (result.offices.length) {
		root.append(el('ul', { class: 'items', 'data-list': 'offices' }, result.offices.map(officeItem)));
	} else {
		root.append(el('p', { class: 'muted' }, t('result.none')));
	}

	if (result.notices.length) {
		root.append(el('h2', {}, t('result.notices')),
			el('ul', { class: 'items', 'data-list': 'notices' }, result.notices.map((n) => el('li', {}, pick(n), source(n.source)))));
	}

	root.append(el('details', { class: 'findings' },
		el('summary', {}, t('result.findings', { n: result.findings.length })),
		el('ul', { class: 'items', 'data-list': 'findings' }, result.findings.map((f) => el('li', { 'data-rule': f.rule },
			el('span', { class: `tag ${f.outcome}` }, t(`outcome.${f.outcome}`)), pick(f),
			source(f.source, f.layer, f.rule, pack))))));
	return root;
}

// A text of the API in the other language too, marked with its lang (an
// office's name and address in Chinese on an English page, to show a driver;
// in English on a Chinese page, for the applicant).
export function alsoIn(o) {
	const other = o?.[otherLang()];
	if (!other || other === o[lang]) return null;
	return el('span', { class: 'also', lang: langTag(otherLang()) }, other);
}

// One office: its name and address in both languages, hours, telephone.
export function officeItem(o) {
	return el('li', { 'data-office': o.id },
		el('strong', {}, pick(o.name)), alsoIn(o.name),
		o.address ? el('p', {}, `${t('office.address')}: `, pick(o.address), alsoIn(o.address)) : null,
		o.hours ? el('p', {}, `${t('office.hours')}: `, pick(o.hours) || `${o.hours.open}–${o.hours.close}`) : null,
		o.telephone ? el('p', {}, `${t('office.telephone')}: `, el('a', { href: `tel:${o.telephone}` }, o.telephone)) : null,
		o.website ? el('p', {}, `${t('office.website')}: `, o.website) : null,
		o.guidance ? el('p', { class: 'reason' }, pick(o.guidance)) : null,
		source(o.source));
}

// Opens every source before printing, so the paper shows each clause.
export function openSourcesForPrint() {
	let opened = [];
	addEventListener('beforeprint', () => {
		opened = [...document.querySelectorAll('details:not([open])')];
		for (const d of opened) d.open = true;
	});
	addEventListener('afterprint', () => { for (const d of opened) d.open = false; });
}

// An appointment's `bring`: each material with its status.
export function bringList(items) {
	return el('ul', { class: 'items', 'data-list': 'bring' }, items.map((m) => el('li', { 'data-material': m.id },
		el('span', { class: `tag ${m.status}` }, t(`status.${m.status}`)), pick(m.text))));
}

// A day of the API (YYYY-MM-DD) in the page's words, with its weekday.
export const dayName = (d) => new Intl.DateTimeFormat(langTag(lang), { dateStyle: 'full', timeZone: 'UTC' })
	.format(new Date(`${d}T00:00:00Z`));
