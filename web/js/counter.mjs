// counter.mjs: an office's appointments of a day (/counter?office=ID&date=D, docs/web.md).
import { initI18n, onLangChange, t, pick } from './i18n.mjs';
import { api, errorBox } from './api.mjs';
import { el, fill, focusHeading, on, done } from './dom.mjs';
import { bringList, dayName } from './result-view.mjs';
import { whoami, showWho, loginView } from './session.mjs';

const view = document.getElementById('view');
const q = new URLSearchParams(location.search);
// The address's day, else the browser's today.
const s = { office: q.get('office') || '', date: q.get('date') || new Date(Date.now() - new Date().getTimezoneOffset() * 6e4).toISOString().slice(0, 10) };
let me = null;

const item = (a, c = a.case) => el('li', { 'data-appointment': a.reference },
	el('h3', {}, `${a.time}–${a.end} · ${a.applicant_name || a.passport_number}`),
	el('dl', { class: 'facts' }, [['appt.reference', a.reference], ['appt.passport', a.passport_number],
		['ct.attached', c ? [el('a', { href: `/officer?case=${encodeURIComponent(c.id)}` }, c.number), ` (${t(`state.${c.state}`)})`] : t(a.answers ? 'ct.answers' : 'ct.nothing')],
		['ct.verdict', a.verdict ? t(`verdict.${a.verdict}`) : '—']].map(([k, v]) => [el('dt', {}, t(k)), el('dd', {}, v)])),
	a.bring.length > 0 && [el('h4', {}, t('ct.checklist')), bringList(a.bring)]);

async function show() {
	s.day = s.error = null;
	if (s.office && s.date) {
		try {
			s.day = await api('GET', `/offices/${encodeURIComponent(s.office)}/appointments?date=${encodeURIComponent(s.date)}`);
			history.replaceState(null, '', `?office=${encodeURIComponent(s.office)}&date=${s.date}`);
		} catch (e) { s.error = e; }
	}
	render();
}

function render() {
	if (!me) {
		loginView(view, (m) => { me = m; show(); });
		return done('login');
	}
	const office = el('select', { id: 'ct-office' }, el('option', { value: '' }, t('appt.office.choose')),
		s.offices.map((o) => el('option', { value: o.id, selected: o.id === s.office }, pick(o.name))));
	const date = el('input', { type: 'date', id: 'ct-date', value: s.date });
	const d = s.day;
	fill(view, el('h1', {}, t('ct.title')), s.error && errorBox(s.error),
		on(el('form', { novalidate: true, class: 'card inline', 'data-view': 'counter-form' },
			el('div', {}, el('label', { for: office.id }, t('appt.office')), office),
			el('div', {}, el('label', { for: date.id }, t('appt.day')), date),
			el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('ct.show')))),
		'submit', (ev) => { ev.preventDefault(); s.office = office.value; s.date = date.value; show(); }),
		d && el('section', { 'aria-labelledby': 'ct-day', 'data-count': String(d.count) },
			el('h2', { id: 'ct-day' }, `${dayName(d.date)}: ${t('ct.count', { n: d.count })}`),
			d.count ? el('ul', { class: 'items', 'data-list': 'appointments' }, d.appointments.map((a) => item(a)))
				: el('p', { class: 'muted' }, t('ct.none'))));
	focusHeading(view);
	view.querySelector('.error-summary')?.focus();
	done(s.error ? 'counter-error' : d ? 'counter-day' : 'counter-form');
}

async function main() {
	await initI18n({ desk: true });
	try {
		me = await whoami();
		s.offices = (await api('GET', '/offices?appointments=true')).packs.flatMap((p) => p.offices);
	} catch (e) { fill(view, errorBox(e)); return; }
	showWho(me);
	onLangChange(() => { showWho(me); render(); });
	await show();
}

main();
