// facts.mjs: the fact table of GET /api/v1/facts, a form field for any fact
// by its type, and a fact read or written by its case path (format.md 1.1).
import { api } from './api.mjs';
import { t, pick } from './i18n.mjs';
import { el, newId } from './dom.mjs';

let table = null;

export async function loadFacts() {
	if (!table) {
		const body = await api('GET', '/facts');
		table = new Map(body.facts.map((f) => [f.path, f]));
	}
	return table;
}

export const fact = (path) => table?.get(path);
export const allFacts = () => table;

export function getPath(obj, path) {
	let o = obj;
	for (const k of path.split('.')) {
		if (o === null || typeof o !== 'object') return undefined;
		o = o[k];
	}
	return o;
}

export function setPath(obj, path, value) {
	const keys = path.split('.');
	let o = obj;
	for (const k of keys.slice(0, -1)) {
		if (o[k] === null || typeof o[k] !== 'object') o[k] = {};
		o = o[k];
	}
	o[keys[keys.length - 1]] = value;
}

export function deletePath(obj, path) {
	const keys = path.split('.');
	let o = obj;
	for (const k of keys.slice(0, -1)) {
		if (o === null || typeof o !== 'object') return;
		o = o[k];
	}
	if (o && typeof o === 'object') delete o[keys[keys.length - 1]];
}

// The question's text: the result's own wording when given, else the fact's.
export const factLabel = (path) => pick(fact(path)) || path;

// The value of a fact in words: an enum's label, yes / no, or the value.
export function valueLabel(path, v) {
	if (v === undefined || v === null) return t('value.unknown');
	const f = fact(path);
	if (f?.type === 'boolean') return v ? t('value.yes') : t('value.no');
	if (f?.type === 'enum') {
		const w = (f.values || []).find((x) => x.value === v);
		return w ? pick(w) : String(v);
	}
	return String(v);
}

/*
 * A fieldset for one fact: legend = the question (text, from the API),
 * inputs by type, current = the value now in the case.  read() gives the
 * value chosen (undefined when nothing is), so the caller writes the case.
 */
export function factField(path, question, current, { heading = false } = {}) {
	const f = fact(path) || { type: 'string' };
	const id = newId('q');
	let box;
	let read;
	if (f.type === 'enum' || f.type === 'boolean') {
		box = el('fieldset', { 'data-fact': path },
			el('legend', {}, heading ? el('h1', { class: 'big' }, question) : question));
		const opts = f.type === 'enum'
			? f.values.map((v) => ({ value: v.value, label: pick(v) }))
			: [{ value: true, label: t('value.yes') }, { value: false, label: t('value.no') }];
		const inputs = opts.map((o, i) => {
			const input = el('input', { type: 'radio', name: id, id: `${id}-${i}`, value: String(o.value) });
			if (current === o.value) input.checked = true;
			box.append(el('label', { class: 'choice', for: `${id}-${i}` }, input, el('span', {}, o.label)));
			return { input, value: o.value };
		});
		read = () => inputs.find((x) => x.input.checked)?.value;
	} else {
		const type = f.type === 'date' ? 'date' : f.type === 'integer' ? 'number' : 'text';
		const input = el('input', { type, id, name: path, 'aria-describedby': `${id}-hint` });
		if (type === 'number') { input.min = '0'; input.step = '1'; input.inputMode = 'numeric'; }
		if (current !== undefined && current !== null) input.value = String(current);
		box = el('div', { class: 'form-row', 'data-fact': path },
			heading ? el('h1', { class: 'big' }, el('label', { for: id }, question))
				: el('label', { for: id, class: 'question' }, question),
			el('p', { class: 'hint', id: `${id}-hint` }, t(`hint.${type}`)),
			input);
		read = () => {
			const s = input.value.trim();
			if (s === '') return undefined;
			if (type === 'number') {
				const n = Number(s);
				return Number.isInteger(n) && n >= 0 ? n : NaN;
			}
			return s;
		};
	}
	return { node: box, read, focus: () => box.querySelector('input')?.focus() };
}
