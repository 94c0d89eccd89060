// dom.mjs: building elements without innerHTML (text from the API is never
// parsed as HTML).
//   el('p', {class: 'x', for: 'id'}, 'text', child, [more])
// Attributes whose value is null, undefined or false are left out; `on*`
// attributes are not used (listeners are added, on()), so CSP forbids nothing.
export function el(tag, attrs = {}, ...children) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		if (v === null || v === undefined || v === false) continue;
		if (k === 'class') e.className = v;
		else if (k === 'text') e.textContent = v;
		else if (k in e && typeof v !== 'string') e[k] = v;
		else e.setAttribute(k, v === true ? '' : v);
	}
	append(e, children);
	return e;
}

function append(e, children) {
	for (const c of children) {
		if (c === null || c === undefined || c === false || c === '') continue;
		if (Array.isArray(c)) append(e, c);
		else if (c instanceof Node) e.append(c);
		else e.append(String(c));
	}
}

// Replaces the children of node.
export function fill(node, ...children) {
	node.replaceChildren();
	append(node, children);
	return node;
}

let uid = 0;
export const newId = (p = 'f') => `${p}-${++uid}`;

// Moves the focus to the first heading of root (after a view changes), so a
// screen reader and a keyboard user start at the top of the new content.
export function focusHeading(root) {
	const h = root.querySelector('h1, h2');
	if (h) {
		h.setAttribute('tabindex', '-1');
		h.focus({ preventScroll: false });
	}
}

// A table in a box that scrolls sideways on a narrow screen: a named region
// that takes the focus, so a keyboard can scroll it too (WCAG 2.1.1).
export function tableWrap(label, table) {
	return el('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': label }, table);
}

export const on = (e, type, f) => { e.addEventListener(type, f); return e; };

// The view shown, counted, and the page ready (body's data-*: the tests wait for them).
export function done(name) {
	document.body.dataset.view = name;
	document.body.dataset.step = String(Number(document.body.dataset.step || 0) + 1);
	document.body.dataset.ready = 'true';
}

// A form row: the label, the hint (which describes the input) and the input.
export function field(label, input, hint) {
	const hintId = hint ? `${input.id}-hint` : null;
	if (hintId) input.setAttribute('aria-describedby', hintId);
	return el('div', { class: 'form-row' }, el('label', { for: input.id }, label),
		hint ? el('p', { class: 'hint', id: hintId }, hint) : null, input);
}
