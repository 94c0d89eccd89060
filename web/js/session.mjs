// session.mjs: logging in and out for the staff pages (GET /me, POST and
// DELETE /sessions); what a user may do is the API's to say.
import { t } from './i18n.mjs';
import { api, ApiError, errorBox } from './api.mjs';
import { el, fill, focusHeading } from './dom.mjs';

// Resolves the user (GET /me), or null when nobody is logged in.
export async function whoami() {
	try {
		return await api('GET', '/me');
	} catch (e) {
		if (e instanceof ApiError && e.status === 401) return null;
		throw e;
	}
}

// Shows the user and a logout button in the header's #who.
export function showWho(me) {
	const who = document.getElementById('who');
	if (!who) return;
	if (!me) { fill(who); return; }
	const out = el('button', { type: 'button', class: 'secondary', 'data-action': 'logout' }, t('login.logout'));
	out.addEventListener('click', async () => {
		try { await api('DELETE', '/sessions'); } catch { /* already ended */ }
		location.href = location.pathname;
	});
	fill(who, el('span', { class: 'who' }, t('login.as', { user: me.user, role: t(`role.${me.role}`) })), ' ', out);
}

// The login form in view; onDone(me) after a successful login.
export function loginView(view, onDone) {
	const form = el('form', { novalidate: true, 'data-view': 'login', class: 'card' },
		el('h1', {}, t('login.title')),
		el('div', { class: 'form-row' }, el('label', { for: 'login-user' }, t('login.user')),
			el('input', { type: 'text', id: 'login-user', name: 'user', autocomplete: 'username', required: true })),
		el('div', { class: 'form-row' }, el('label', { for: 'login-password' }, t('login.password')),
			el('input', { type: 'password', id: 'login-password', name: 'password', autocomplete: 'current-password', required: true })),
		el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('login.submit'))));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		form.querySelector('.error-summary')?.remove();
		try {
			await api('POST', '/sessions', { user: form.elements.user.value, password: form.elements.password.value });
			const me = await whoami();
			showWho(me);
			onDone(me);
		} catch (e) {
			const box = errorBox(e);
			form.prepend(box);
			box.focus();
		}
	});
	fill(view, form);
	focusHeading(view);
}
