// admin.mjs: the users of the desk (/admin, docs/web.md); the forms only for
// a user whose capabilities include `users`, else the API's refusal.
import { initI18n, onLangChange, t } from './i18n.mjs';
import { api, errorBox, summary } from './api.mjs';
import { el, fill, focusHeading, newId, tableWrap, done, field } from './dom.mjs';
import { whoami, showWho, loginView } from './session.mjs';

const view = document.getElementById('view');
let me = null;
let roles = [];

// An error summary in form: [{id, text}] links to each field; an error of
// the API is shown in plain words, linked to its field when it names one.
function showErrors(form, errors, err) {
	form.querySelector('.error-summary')?.remove();
	for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
	let box = t('form.errors');
	if (err) {
		box = errorBox(err);
		const f = err.path && form.querySelector(`[name="${CSS.escape(err.path)}"]`);
		errors = f ? [{ id: f.id, text: t('form.go_to', { what: form.querySelector(`label[for="${f.id}"]`)?.textContent || err.path }) }] : [];
	}
	for (const e of errors) document.getElementById(e.id)?.setAttribute('aria-invalid', 'true');
	box = summary(box, errors);
	form.prepend(box);
	box.focus();
}

function addForm() {
	const user = el('input', { type: 'text', id: 'u-name', name: 'user', autocomplete: 'off', required: true });
	const role = el('select', { id: 'u-role', name: 'role' }, roles.map((r) => el('option', { value: r }, t(`role.${r}`))));
	const pw = el('input', { type: 'password', id: 'u-password', name: 'password', autocomplete: 'new-password', required: true });
	const form = el('form', { class: 'card', novalidate: true, 'data-form': 'add-user' },
		el('h2', {}, t('admin.add.title')),
		field(t('admin.col.user'), user, t('admin.user.hint')),
		field(t('admin.col.role'), role),
		field(t('login.password'), pw, t('admin.password.hint')),
		el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('admin.add.submit'))));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const errors = [];
		if (!user.value.trim()) errors.push({ id: user.id, text: t('form.required', { what: t('admin.col.user') }) });
		if (!pw.value) errors.push({ id: pw.id, text: t('form.required', { what: t('login.password') }) });
		if (errors.length) { showErrors(form, errors); return; }
		try {
			const u = await api('POST', '/users', { user: user.value.trim(), role: role.value, password: pw.value });
			await render(t('admin.added', { user: u.user, role: t(`role.${u.role}`) }));
		} catch (e) { showErrors(form, [], e); }
	});
	return form;
}

function passwordForm(name) {
	const pw = el('input', { type: 'password', id: newId('pw'), name: 'password', autocomplete: 'new-password', required: true });
	const form = el('form', { class: 'card', novalidate: true, 'data-form': 'password', 'data-user': name },
		el('h2', {}, t('admin.reset.title', { user: name })),
		field(t('admin.new_password'), pw, t('admin.password.hint')),
		el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('admin.reset.submit'))));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		if (!pw.value) { showErrors(form, [{ id: pw.id, text: t('form.required', { what: t('admin.new_password') }) }]); return; }
		try {
			await api('POST', `/users/${encodeURIComponent(name)}/password`, { password: pw.value });
			await render(t('admin.reset.done', { user: name }));
		} catch (e) { showErrors(form, [], e); }
	});
	return form;
}

async function render(message) {
	if (!me) {
		loginView(view, (m) => { me = m; showWho(me); render(); });
		done('login');
		return;
	}
	const head = [el('h1', {}, t('admin.title')),
		message ? el('p', { class: 'status', role: 'status' }, message) : null];
	let list;
	try {
		list = await api('GET', '/users');
	} catch (e) {
		// Not an administrator (or the desk is down): the API's answer, in plain words.
		fill(view, ...head, errorBox(e),
			e.status === 403 ? el('p', { 'data-refused': 'users' }, t('admin.refused', { user: me.user, role: t(`role.${me.role}`) })) : null);
		focusHeading(view);
		done('refused');
		return;
	}
	const forms = el('div');
	const rows = list.users.map((u) => {
		const toggle = el('button', { type: 'button', class: 'secondary', 'data-user-action': u.disabled ? 'enable' : 'disable' },
			t(u.disabled ? 'admin.enable' : 'admin.disable'), el('span', { class: 'hidden-visually' }, ` ${u.user}`));
		toggle.addEventListener('click', async () => {
			const act = u.disabled ? 'enable' : 'disable';
			try {
				await api('POST', `/users/${encodeURIComponent(u.user)}/${act}`);
				await render(t(`admin.${act}d`, { user: u.user }));
			} catch (e) {
				view.querySelector(':scope > .error-summary')?.remove();
				const box = errorBox(e);
				view.prepend(box);
				box.focus();
			}
		});
		const reset = el('button', { type: 'button', class: 'secondary', 'data-user-action': 'password', 'aria-expanded': 'false' },
			t('admin.reset'), el('span', { class: 'hidden-visually' }, ` ${u.user}`));
		reset.addEventListener('click', () => {
			for (const b of view.querySelectorAll('[data-user-action=password]')) b.setAttribute('aria-expanded', String(b === reset));
			const f = passwordForm(u.user);
			fill(forms, f);
			f.querySelector('input').focus();
		});
		return el('tr', { 'data-user': u.user, 'data-role': u.role, 'data-disabled': String(u.disabled) },
			el('td', {}, u.user),
			el('td', {}, el('div', { class: 'row-actions' }, toggle, reset)),
			el('td', {}, t(`role.${u.role}`)),
			el('td', { class: u.disabled ? 'overdue' : '' }, t(u.disabled ? 'admin.is_disabled' : 'admin.is_active')),
			el('td', { class: 'nowrap' }, u.created_at.slice(0, 10)));
	});
	// The buttons next to the name, so a phone shows both without scrolling.
	fill(view, ...head,
		el('p', { class: 'lead' }, t('admin.lead')),
		tableWrap(t('admin.title'), el('table', { 'data-list': 'users' },
			el('thead', {}, el('tr', {}, ['user', 'actions', 'role', 'state', 'created'].map((k) => el('th', { scope: 'col' }, t(`admin.col.${k}`))))),
			el('tbody', {}, rows))),
		forms,
		addForm());
	focusHeading(view);
	done('users');
}

async function main() {
	await initI18n({ desk: true });
	try {
		const [openapi, who] = await Promise.all([api('GET', '/openapi.json'), whoami()]);
		roles = openapi.components.schemas.Role.enum;
		me = who;
	} catch (e) {
		fill(view, errorBox(e));
		return;
	}
	showWho(me);
	onLangChange(() => { showWho(me); render(); });
	await render();
}

main();
