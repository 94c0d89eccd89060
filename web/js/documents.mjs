// documents.mjs: the details a desk asks of a document, as the result's
// materials[].checks say (docs/format.md): the date of issue only where a
// validity window applies (max_age), the date it expires where it must stay
// valid after the application (valid_for), "notarised" where that is needed,
// and "issued outside China" with what one issued abroad then needs
// (notarised, legalised, translated) only for a document that may be foreign.
// A detail the document already holds (a file opened again) is shown too, so
// nothing given is hidden.
import { t } from './i18n.mjs';
import { el } from './dom.mjs';

export const DETAILS = ['issued', 'expires', 'foreign', 'notarized', 'legalized', 'translated'];

export function detailsAsked(material, doc = {}) {
	const c = material?.checks || {};
	const abroad = c.foreign || {};
	const asked = {
		issued: Boolean(c.max_age),
		expires: Boolean(c.valid_for),
		foreign: Boolean(c.foreign),
		notarized: Boolean(c.notarized || abroad.notarized),
		legalized: Boolean(abroad.legalized),
		translated: Boolean(abroad.translated),
	};
	return DETAILS.filter((k) => asked[k] || (doc[k] !== undefined && doc[k] !== null));
}

// One labelled field per detail; each writes doc[key] when changed (a date
// left empty or "not sure" removes it).
export function detailFields(keys, doc, idPrefix) {
	return keys.map((k) => {
		const id = `${idPrefix}-${k}`;
		let input;
		if (k === 'issued' || k === 'expires') {
			input = el('input', { type: 'date', id, 'data-detail': k, value: doc[k] || '' });
		} else {
			input = el('select', { id, 'data-detail': k },
				el('option', { value: '' }, t('value.not_sure')),
				el('option', { value: 'true' }, t('value.yes')),
				el('option', { value: 'false' }, t('value.no')));
			input.value = doc[k] === true ? 'true' : doc[k] === false ? 'false' : '';
		}
		input.addEventListener('change', () => {
			const v = input.value;
			if (v === '') delete doc[k];
			else doc[k] = input.tagName === 'SELECT' ? v === 'true' : v;
		});
		return el('div', {}, el('label', { for: id }, t(`doc.${k}`)), input);
	});
}
