// appointment.mjs: booking, finding, moving, cancelling (/appointment, docs/web.md).
import { initI18n, onLangChange, t, pick } from './i18n.mjs';
import { api, errorBox, summary } from './api.mjs';
import { el, fill, on, done, field } from './dom.mjs';
import { alsoIn, bringList, dayName } from './result-view.mjs';

const view = document.getElementById('view');
const s = { offices: [], office: '', slots: [], day: '', time: '', passport: '', ref: '', answers: null, attach: true };
// The pre-check's result page hands its answers over in this tab.
try { s.answers = JSON.parse(sessionStorage.getItem('permitdesk.answers')); } catch { /* none */ }
s.passport = s.answers?.applicant?.passport?.number || '';
// A path the API names in a refusal: its field and words.
const FIELD = { office: ['ap-office', 'appt.office'], date: ['ap-day', 'appt.day'], time: ['ap-time', 'appt.time'],
	passport: ['ap-passport', 'appt.passport'], answers: ['ap-file', 'appt.answers'] };
const need = (id, key, verb = 'form.choose') => ({ id, text: t(verb, { what: t(key) }) });

async function loadSlots() {
	s.slots = [];
	try {
		if (s.office) s.slots = (await api('GET', `/offices/${encodeURIComponent(s.office)}/slots`)).slots.filter((x) => x.free > 0);
	} catch (e) { s.error = { api: e }; }
	if (!s.slots.some((x) => x.date === s.day)) s.day = s.slots[0]?.date || '';
	if (!s.slots.some((x) => x.date === s.day && x.time === s.time)) s.time = '';
}

const input = (id, key, k, hint) => field(t(key), on(el('input', { type: 'text', id, value: s[k], autocomplete: 'off', spellcheck: 'false' }),
	'input', (ev) => { s[k] = ev.target.value; }), hint && t(hint));

function picker() {
	const days = [...new Set(s.slots.map((x) => x.date))];
	if (!days.length) return el('p', { id: 'ap-day', tabindex: '-1' }, t(s.office ? 'appt.no_slots' : 'appt.office.first'));
	const day = on(el('select', { id: 'ap-day' }, days.map((d) => el('option', { value: d, selected: d === s.day }, dayName(d)))),
		'change', () => { s.day = day.value; render(); });
	return [el('div', { class: 'form-row' }, el('label', { for: 'ap-day' }, t('appt.day')), day),
		el('fieldset', {}, el('legend', {}, t('appt.time')), el('div', { class: 'slots' },
			s.slots.filter((x) => x.date === s.day).map((x, i) => el('label', { class: 'choice' },
				on(el('input', { type: 'radio', name: 'time', id: i ? null : 'ap-time', checked: x.time === s.time }), 'change', () => { s.time = x.time; }),
				el('span', {}, `${x.time}–${x.end} `, el('span', { class: 'muted' }, t('appt.free', { n: x.free })))))))];
}

// check(): the fields missing, else go().
function form(name, children, submit, check, go) {
	return on(el('form', { novalidate: true, class: 'card', 'data-view': name }, children,
		el('div', { class: 'actions' }, el('button', { type: 'submit' }, t(submit)))), 'submit', (ev) => {
		ev.preventDefault();
		const miss = check().filter(Boolean);
		if (miss.length) { s.error = { items: miss }; render('summary'); } else go();
	});
}

// A refusal loads the slots again (a place taken meanwhile is gone).
async function send(method, path, body) {
	s.error = null;
	try {
		s.appt = await api(method, path, body);
		s.moving = false;
	} catch (e) {
		s.error = { api: e };
		if (e.status === 409 || e.status === 400) await loadSlots();
	}
	render(s.error ? 'summary' : 'top');
}

const timeMissing = () => (s.time ? null : need(s.day ? 'ap-time' : 'ap-day', 'appt.time'));
const passport = () => encodeURIComponent(s.passport.trim());

function bookForm() {
	const office = on(el('select', { id: 'ap-office' }, el('option', { value: '' }, t('appt.office.choose')),
		s.offices.map((o) => el('option', { value: o.id, selected: o.id === s.office }, pick(o.name)))),
	'change', async () => { s.office = office.value; s.error = null; await loadSlots(); render(); });
	const file = on(el('input', { type: 'file', id: 'ap-file', accept: '.json,application/json' }), 'change', async () => {
		try {
			s.answers = JSON.parse(await file.files[0].text());
			s.attach = true;
			s.error = null;
		} catch (e) { s.error = { items: [{ id: 'ap-file', text: t('file.not_json', { error: e.message }) }] }; }
		render(s.error && 'summary');
	});
	return form('appt-form', [el('h2', {}, t('appt.book')),
		el('div', { class: 'form-row' }, el('label', { for: 'ap-office' }, t('appt.office')), office),
		picker(), input('ap-passport', 'appt.passport', 'passport', 'progress.passport.hint'),
		el('h3', {}, t('appt.answers')), el('p', { class: 'hint' }, t('appt.answers.hint')),
		s.answers && el('label', { class: 'choice' }, on(el('input', { type: 'checkbox', id: 'ap-attach', checked: s.attach }),
			'change', (ev) => { s.attach = ev.target.checked; }), t('appt.attach', { pack: s.answers.jurisdiction ?? '?' })),
		el('label', { for: 'ap-file' }, t('appt.file')), file],
	'appt.submit', () => [s.office ? timeMissing() : need('ap-office', 'appt.office'), !s.passport.trim() && need('ap-passport', 'appt.passport', 'form.required')],
	() => send('POST', '/appointments', { office: s.office, date: s.day, time: s.time, passport: s.passport.trim(), answers: s.attach && s.answers || undefined }));
}

const findForm = () => form('appt-find', [el('h2', {}, t('appt.find')),
	input('ap-ref', 'appt.reference', 'ref', 'appt.reference.hint'), input('ap-fpassport', 'appt.passport', 'passport')],
'appt.find.submit', () => [['ap-ref', s.ref, 'appt.reference'], ['ap-fpassport', s.passport, 'appt.passport']]
	.map(([id, v, k]) => !v.trim() && need(id, k, 'form.required')),
() => send('GET', `/appointments/${encodeURIComponent(s.ref.trim())}?passport=${passport()}`));

function apptView(a) {
	const path = `/appointments/${encodeURIComponent(a.reference)}`;
	const booked = a.state === 'booked';
	const button = (key, f) => on(el('button', { type: 'button', class: 'secondary', 'data-action': key.slice(5) }, t(key)), 'click', f);
	const row = (key, ...dd) => [el('dt', {}, t(key)), el('dd', {}, ...dd)];
	return el('section', { class: 'card', 'data-appointment': a.reference, 'data-state': a.state },
		el('h2', {}, t(booked ? 'appt.booked' : 'appt.cancelled')),
		el('p', { class: 'status' }, `${t('appt.reference')}: `, el('strong', { class: 'ref', 'data-field': 'reference' }, a.reference)),
		booked && el('p', {}, t('appt.keep')),
		el('dl', { class: 'facts' }, row('appt.when', `${dayName(a.date)}, ${a.time}–${a.end}`),
			row('appt.office', pick(a.office.name), alsoIn(a.office.name)),
			a.office.address && row('office.address', pick(a.office.address), alsoIn(a.office.address)),
			a.office.telephone && row('office.telephone', a.office.telephone),
			a.applicant_name && row('appt.name', a.applicant_name)),
		el('h3', {}, t('appt.bring')),
		a.bring.length ? bringList(a.bring) : el('p', { class: 'muted' }, t('appt.bring.none')),
		booked && s.moving && form('appt-move', [el('h3', {}, t('appt.move')), picker()], 'appt.move.submit', () => [timeMissing()],
			() => send('PATCH', path, { passport: s.passport.trim(), date: s.day, time: s.time })),
		el('div', { class: 'actions' },
			booked && !s.moving && button('appt.move', async () => {
				Object.assign(s, { moving: true, office: a.office.id, day: a.date, error: null });
				await loadSlots();
				render('move');
			}),
			booked && button('appt.cancel', () => send('DELETE', `${path}?passport=${passport()}`)),
			button('appt.another', () => { s.appt = null; s.moving = false; s.error = null; render('top'); })));
}

function errors() {
	const e = s.error?.api;
	if (!e) return s.error && summary(t('form.errors'), s.error.items);
	const box = errorBox(e);
	if (e.code === 'conflict') box.firstChild.textContent = t('appt.conflict');
	if (e.code === 'not_found' && !s.appt) {
		box.append(el('p', {}, t('appt.not_found')));
		return summary(box, [need('ap-ref', 'appt.reference', 'progress.check'), need('ap-fpassport', 'appt.passport', 'progress.check')]);
	}
	const f = FIELD[String(e.path || '').split(/[./[]/)[0]] || (e.code === 'conflict' && (!s.appt || s.moving) && FIELD.time);
	return summary(box, f ? [e.code === 'conflict' ? { id: f[0], text: t('appt.choose_other') } : need(f[0], f[1], 'form.go_to')] : []);
}

function render(focus) {
	const active = document.activeElement?.id;
	fill(view, el('h1', { tabindex: '-1' }, t('appt.title')), el('p', { class: 'lead' }, t('appt.lead')), errors(),
		s.appt ? apptView(s.appt) : [bookForm(), findForm()]);
	for (const a of view.querySelectorAll('.error-summary a')) document.getElementById(a.hash.slice(1))?.setAttribute('aria-invalid', 'true');
	const to = { summary: '.error-summary', top: 'h2', move: '#ap-day' }[focus];
	const f = to ? view.querySelector(to) : active ? document.getElementById(active) : null;
	if (focus === 'top') f?.setAttribute('tabindex', '-1');
	f?.focus();
	done(s.error ? 'appt-error' : s.appt ? `appt-${s.appt.state}` : 'appt-form');
}

async function main() {
	await initI18n();
	try {
		s.offices = (await api('GET', '/offices?appointments=true')).packs.flatMap((p) => p.offices);
	} catch (e) { s.error = { api: e }; }
	onLangChange(() => render());
	render();
	view.querySelector('h1').focus();
}

main();
