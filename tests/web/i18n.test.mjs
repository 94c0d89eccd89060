// The desk's own words (web/i18n/{en,zh}.json, the pre-check's and every
// page's, and {en,zh}.desk.json, the policy browser's and the staff pages'):
// the same keys in English and in Chinese in each pair, no key in both files, none empty but where a hint is deliberately blank, and every key
// the pages' scripts name literally, t('key'), present in both.  (Keys built
// at run time, t(`state.${s}`), are checked in the browser: assertLang fails
// on a key shown for want of its string.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PD_SRC } from './helpers.mjs';

const web = join(PD_SRC, 'web');
const read = (f) => JSON.parse(readFileSync(join(web, 'i18n', f), 'utf8'));
const [en1, zh1, en2, zh2] = ['en.json', 'zh.json', 'en.desk.json', 'zh.desk.json'].map(read);
const en = { ...en1, ...en2 };
const zh = { ...zh1, ...zh2 };
const BLANK = new Set(['hint.text']);

test('i18n: every page text in both languages', () => {
	assert.deepEqual(Object.keys(zh1).sort(), Object.keys(en1).sort(), 'the same keys in en.json and zh.json');
	assert.deepEqual(Object.keys(zh2).sort(), Object.keys(en2).sort(), 'the same keys in en.desk.json and zh.desk.json');
	for (const k of Object.keys(en2)) assert.ok(!(k in en1), `${k} in one file only`);
	for (const [k, v] of Object.entries(en)) {
		if (BLANK.has(k)) continue;
		assert.ok(v.trim() && zh[k].trim(), `${k} has words in both`);
		const vars = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
		assert.deepEqual(vars(zh[k]), vars(en[k]), `${k}: the same {names} in both`);
	}
	const used = new Set();
	for (const f of readdirSync(join(web, 'js'))) {
		for (const m of readFileSync(join(web, 'js', f), 'utf8').matchAll(/\bt\('([\w.]+[\w])'/g)) used.add(m[1]);
	}
	for (const f of readdirSync(web).filter((x) => x.endsWith('.html'))) {
		for (const m of readFileSync(join(web, f), 'utf8').matchAll(/data-i18n(?:-label|-placeholder)?="([\w.]+)"/g)) used.add(m[1]);
	}
	assert.ok(used.size > 50);
	for (const k of used) assert.ok(k in en, `${k}, used by the pages, is in en.json and zh.json`);
});
