// validate.mjs: schema/case.schema.json and schema/result.schema.json
// against what permitdesk reads and writes.
//
//   1. Every golden case (tests/cases/**/NAME.json with a NAME.expected.json)
//      is valid against the case schema, and every NAME.expected.json (the
//      trace view) against the result schema's $defs/trace.  With PERMITDESK
//      set, each case's full result (`permitdesk check`) is valid against the
//      result schema and its summary (`--view summary`) against $defs/summary,
//      and a summary never carries a passing finding.  Cases that must be
//      refused (NAME.expected.err) are
//      not checked: some are refused for what no schema can see (an unknown
//      jurisdiction, a date no pack covers).
//   2. Cases the decoder refuses for their shape are refused by the schema
//      too: an unknown member, a word outside a vocabulary, a date not
//      written YYYY-MM-DD, a derived fact written, a document without type.
//   3. With PERMITDESK set (CTest sets it), the schemas agree with
//      `permitdesk facts`: every fact that is sent has its member, of its
//      type, with exactly its vocabulary; no derived fact has one; the
//      result's fact paths are exactly the facts.
//
// Uses ajv (draft 2020-12) from tests/api/node_modules, the node test folder's
// locked dependencies.  Exit 0 all good, 1 a failure, 77 node's modules not
// installed (run `npm ci` in tests/api).
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = process.env.PD_SRC || join(here, '..', '..');
const require = createRequire(join(root, 'tests', 'api', 'package.json'));

let Ajv2020;
try {
  Ajv2020 = require('ajv/dist/2020');
} catch (e) {
  console.log(`skipped: ajv is not installed in tests/api/node_modules (npm ci there): ${e.code || e.message}`);
  process.exit(77);
}
Ajv2020 = Ajv2020.default || Ajv2020;

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const caseSchema = readJson(join(root, 'schema', 'case.schema.json'));
const resultSchema = readJson(join(root, 'schema', 'result.schema.json'));
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validCase = ajv.compile(caseSchema);
const validResult = ajv.compile(resultSchema);
const validTrace = ajv.getSchema(`${resultSchema.$id}#/$defs/trace`);
const validSummary = ajv.getSchema(`${resultSchema.$id}#/$defs/summary`);

let failures = 0;
const fail = (msg) => {
  failures++;
  console.log(`FAIL ${msg}`);
};
const errors = (v) =>
  v.errors.slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');

// ---- 1. golden cases ----

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

const casesDir = join(root, 'tests', 'cases');
let cases = 0, results = 0, refused = 0;
let sample = null;
for (const file of walk(casesDir)) {
  const rel = relative(root, file);
  if (file.endsWith('.expected.json')) {
    results++;
    if (!validTrace(readJson(file))) fail(`${rel}: not a trace view: ${errors(validTrace)}`);
  } else if (file.endsWith('.json')) {
    const base = file.slice(0, -'.json'.length);
    if (existsSync(`${base}.expected.err`)) {
      refused++;
      continue;
    }
    cases++;
    if (process.env.PERMITDESK) {
      const run = (view) =>
        JSON.parse(execFileSync(process.env.PERMITDESK, ['check', '--view', view, file], {
          encoding: 'utf8', env: { ...process.env, PERMITDESK_TODAY: '2026-11-22' },
        }));
      if (!validResult(run('full'))) fail(`${rel}: its full result: ${errors(validResult)}`);
      const summary = run('summary');
      if (!validSummary(summary)) fail(`${rel}: its summary: ${errors(validSummary)}`);
      else if (summary.findings.some((f) => f.outcome === 'pass'))
        fail(`${rel}: its summary has a passing finding`);
    }
    const c = readJson(file);
    if (!validCase(c)) fail(`${rel}: not a case: ${errors(validCase)}`);
    else if (!sample && c.applicant && c.application && c.documents && c.documents.length)
      sample = c;
  }
}
if (cases < 100 || results < 100) fail(`only ${cases} cases and ${results} results found under ${relative(root, casesDir)}`);

// ---- 2. what the decoder refuses, the schema refuses ----

const mutations = [
  ['an unknown member', (c) => { c.applicant.favourite_colour = 'blue'; }],
  ['an unknown member at the top', (c) => { c.remarks = 'x'; }],
  ['a word outside its vocabulary', (c) => { c.application.action = 'extend'; }],
  ['a date not YYYY-MM-DD', (c) => { c.date = '2026-3-02'; }],
  ['a derived fact (applicant.age)', (c) => { c.applicant.age = 30; }],
  ['a derived fact (agent.present)', (c) => { c.agent = { present: true }; }],
  ['agent neither null nor an object', (c) => { c.agent = true; }],
  ['a document without type', (c) => { c.documents.push({ issued: '2026-01-01' }); }],
  ['a material id in capitals', (c) => { c.documents.push({ type: 'Passport' }); }],
  ['a negative integer', (c) => { c.application.requested_days = -1; }],
  ['a boolean as a string', (c) => { c.applicant.good_record = 'yes'; }],
  ['no jurisdiction', (c) => { delete c.jurisdiction; }],
  ['a nationality in lower case', (c) => { c.applicant.nationality = 'swe'; }],
];
const accepted = [
  ['anything under extra', (c) => { c.extra = { any: { thing: [1, 'two'] } }; }],
  ['null for an unknown fact', (c) => { c.applicant.good_record = null; }],
  ['agent null (nobody applies for the applicant)', (c) => { c.agent = null; }],
];
if (!sample) {
  fail('no golden case with application, applicant and documents to mutate');
} else {
  for (const [what, change] of mutations) {
    const c = structuredClone(sample);
    change(c);
    if (validCase(c)) fail(`case schema accepts ${what}`);
  }
  for (const [what, change] of accepted) {
    const c = structuredClone(sample);
    change(c);
    if (!validCase(c)) fail(`case schema refuses ${what}: ${errors(validCase)}`);
  }
}

// ---- 3. the schemas agree with the library's fact table ----

let facts = 0;
if (process.env.PERMITDESK) {
  const table = JSON.parse(execFileSync(process.env.PERMITDESK, ['facts'], { encoding: 'utf8' })).facts;
  const types = { boolean: 'boolean', integer: 'integer', date: 'string', string: 'string' };
  for (const f of table) {
    facts++;
    let node = caseSchema;
    const parts = f.path.split('.');
    for (const part of parts) {
      if (!node) break;
      if (!node.properties && node.oneOf) node = node.oneOf.find((s) => s.properties);
      node = node && node.properties ? node.properties[part] : undefined;
    }
    if (f.derived) {
      if (node) fail(`${f.path} is derived, yet the case schema has a member for it`);
      continue;
    }
    if (!node) {
      fail(`${f.path}: no member in the case schema`);
      continue;
    }
    if (f.type === 'enum') {
      const want = f.values.map((v) => v.value).concat([null]);
      if (JSON.stringify(node.enum) !== JSON.stringify(want))
        fail(`${f.path}: schema enum ${JSON.stringify(node.enum)}, library ${JSON.stringify(want)}`);
    } else {
      const t = [].concat(node.type);
      if (t[0] !== types[f.type]) fail(`${f.path}: schema type ${t}, library ${f.type}`);
      if (f.type === 'date' && !node.pattern) fail(`${f.path}: a date without its pattern`);
    }
  }
  const paths = table.map((f) => f.path);
  if (JSON.stringify(resultSchema.$defs.fact_path.enum) !== JSON.stringify(paths))
    fail('result.schema.json $defs.fact_path is not the list of `permitdesk facts`');
} else {
  console.log('note: PERMITDESK not set; the schemas were not compared with `permitdesk facts`');
}

console.log(
  `${cases} cases and ${results} results checked (${refused} refused cases not checked), ` +
    `${mutations.length + accepted.length} variations, ${facts} facts: ${failures} failures`,
);
process.exit(failures ? 1 : 0);
