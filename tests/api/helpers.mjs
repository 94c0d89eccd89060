// helpers.mjs: what every API test file shares.
//
//   startServer()   a temporary directory, one user of every role added with
//                   `permitdesk user add`, and `permitdesk serve --listen
//                   127.0.0.1:0` on it; stop() sends SIGTERM and returns the
//                   exit code (tests assert 0).
//   api()           one request with fetch; the response read whole.
//   check(res, route)  fails the test unless the response is documented in
//                   schema/openapi.json for that route and status, and its
//                   headers and body match what is documented.
//
// Environment (given by CTest, tests/CMakeLists.txt): PERMITDESK, the
// permitdesk binary, and PD_SRC, the source root.
import assert from 'node:assert/strict';
import { spawn, execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const here = dirname(fileURLToPath(import.meta.url));
export const PD_SRC = process.env.PD_SRC || join(here, '..', '..');
export const PERMITDESK = process.env.PERMITDESK;
if (!PERMITDESK) throw new Error('set PERMITDESK to the permitdesk binary (CTest does)');

export const SCHEMA_DIR = join(PD_SRC, 'schema');
export const OPENAPI = JSON.parse(readFileSync(join(SCHEMA_DIR, 'openapi.json'), 'utf8'));

// One user of every role; ann2 is a second applicant, rita2 a second reviewer.
export const USERS = {
  ann: 'applicant', ann2: 'applicant', bob: 'agent', olga: 'officer', rita: 'reviewer',
  rita2: 'reviewer', sam: 'supervisor', ada: 'admin',
};
export const ROLE_USER = {
  applicant: 'ann', agent: 'bob', officer: 'olga', reviewer: 'rita', supervisor: 'sam', admin: 'ada',
};
export const password = (name) => `secret-${name}-pw`;

// The day the server and the command line take for "today" (cases are dated before it).
export const TODAY = '2026-11-20';

// ---- running the command line ----------------------------------------------

// Runs permitdesk; resolves {code, stdout, stderr} whatever the exit code.
export function pd(args, { input, env, encoding = 'utf8' } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(PERMITDESK, args, {
      env: { ...process.env, PERMITDESK_TODAY: TODAY, ...env },
      encoding: encoding === 'buffer' ? 'buffer' : 'utf8',
      maxBuffer: 64 << 20,
    }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? err.code : 0, stdout, stderr: stderr.toString() });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

export function addUser(db, name, role) {
  execFileSync(PERMITDESK, ['user', 'add', '--db', db, name, '--role', role], {
    input: `${password(name)}\n`, env: { ...process.env, PERMITDESK_TODAY: TODAY },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
}

// ---- the server ------------------------------------------------------------

const started = new Set();
process.on('exit', () => {
  for (const p of started) try { p.kill('SIGKILL'); } catch { /* gone */ }
});

/*
 * Starts `permitdesk serve` on a free port.  Options: dir (reuse a directory
 * and its database), policy (a policy directory; default PD_SRC/policy),
 * args (more arguments), env, users (false: add none).
 */
export async function startServer(opts = {}) {
  const dir = opts.dir || mkdtempSync(join(tmpdir(), 'pd-api-'));
  const db = join(dir, 'desk.db');
  if (opts.users !== false && !existsSync(db)) {
    for (const [name, role] of Object.entries(USERS)) addUser(db, name, role);
  }
  const args = ['serve', '--listen', '127.0.0.1:0', '--db', db,
    '--policy', opts.policy || join(PD_SRC, 'policy'), ...(opts.args || [])];
  const proc = spawn(PERMITDESK, args, {
    env: { ...process.env, PERMITDESK_TODAY: TODAY, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(proc);
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-200000); });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => {
    started.delete(proc);
    resolve({ code, signal });
  }));
  const lines = createInterface({ input: proc.stdout });
  const first = await Promise.race([
    new Promise((resolve) => lines.once('line', resolve)),
    exited.then((e) => { throw new Error(`permitdesk serve exited (${JSON.stringify(e)}) before listening:\n${stderr}`); }),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`permitdesk serve printed nothing in 60 s:\n${stderr}`)), 60000).unref()),
  ]);
  const m = /^listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(first);
  assert.ok(m, `first line of standard output: ${JSON.stringify(first)}`);
  let more = '';
  lines.on('line', (l) => { more += `${l}\n`; });
  const url = m[1];
  const server = {
    dir, db, url, port: Number(m[2]), host: `127.0.0.1:${m[2]}`, origin: url, proc, exited,
    get stderr() { return stderr; },
    get stdoutAfterFirstLine() { return more; },
    signal(sig) { proc.kill(sig); },
    // SIGTERM; resolves the exit code (null when killed by a signal).
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 60000);
      const e = await exited;
      clearTimeout(timer);
      return e.code;
    },
    cleanup() { rmSync(dir, { recursive: true, force: true }); },
  };
  return server;
}

// ---- requests ----------------------------------------------------------------

/*
 * api(server, method, path, {token, cookie, body, json, headers}): one request.
 * `json` is sent as application/json; `body` as given (string or Buffer).
 * Resolves {status, headers, text, body (parsed JSON or undefined), method, path}.
 */
export async function api(server, method, path, o = {}) {
  const headers = { ...(o.headers || {}) };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.cookie) headers.cookie = `pd_session=${o.cookie}`;
  let body = o.body;
  if (o.json !== undefined) {
    body = typeof o.json === 'string' ? o.json : JSON.stringify(o.json);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  const res = await fetch(server.url + path, { method, headers, body, redirect: 'manual' });
  const buf = Buffer.from(await res.arrayBuffer());
  const text = buf.toString('utf8');
  let parsed;
  if ((res.headers.get('content-type') || '').startsWith('application/json')) {
    try { parsed = JSON.parse(text); } catch { parsed = undefined; }
  }
  return { status: res.status, headers: res.headers, buf, text, body: parsed, method, path };
}

export async function login(server, user, pw = password(user)) {
  const res = await api(server, 'POST', '/api/v1/sessions', { json: { user, password: pw } });
  check(res, 'POST /api/v1/sessions');
  assert.equal(res.status, 201, `login ${user}: ${res.text}`);
  return res.body.token;
}

// Logs every user in: {name: token}.
export async function loginAll(server) {
  const tokens = {};
  for (const name of Object.keys(USERS)) tokens[name] = await login(server, name);
  return tokens;
}

// ---- checking responses against the OpenAPI document --------------------------

// The base the document is served from: relative $refs resolve beside it.
const BASE = 'http://permitdesk.invalid/api/v1/';
let ajv;
const validators = new Map();

function schemaFile(name) {
  const p = join(SCHEMA_DIR, name);
  if (!existsSync(p)) return null;
  return JSON.parse(readFileSync(p, 'utf8'));
}

function getAjv() {
  if (ajv) return ajv;
  ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, verbose: false });
  addFormats(ajv);
  ajv.addSchema({ ...OPENAPI, $id: `${BASE}openapi.json` });
  for (const name of ['case.schema.json', 'result.schema.json']) {
    const s = schemaFile(name);
    if (s) ajv.addSchema({ ...s, $id: BASE + name });
  }
  return ajv;
}

const esc = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function deref(obj) {
  let o = obj;
  let pointer = null;
  while (o && o.$ref && o.$ref.startsWith('#/')) {
    pointer = o.$ref.slice(1);
    o = o.$ref.slice(2).split('/').map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((a, k) => a[k], OPENAPI);
  }
  return { obj: o, pointer };
}

function validatorFor(pointer) {
  let v = validators.get(pointer);
  if (!v) {
    v = getAjv().compile({ $ref: `${BASE}openapi.json#${pointer}` });
    validators.set(pointer, v);
  }
  return v;
}

// The path template of the document that a concrete path matches, or null.
export function templateOf(path) {
  const p = path.split('?')[0];
  for (const t of Object.keys(OPENAPI.paths)) {
    const re = new RegExp(`^${t.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (re.test(p)) return t;
  }
  return null;
}

/*
 * check(res, route): route is "METHOD /template" ("GET /api/v1/cases/{id}");
 * without it, the route is found from the request.  Fails unless:
 *   the status is documented for the operation (a path not in the document
 *   must be 404, a method not in its path item 405 with Allow);
 *   the Content-Type is the documented one (JSON: application/json; charset=utf-8);
 *   the body validates against the documented schema (JSON Schema 2020-12);
 *   required headers are there; X-Content-Type-Options: nosniff always,
 *   Cache-Control: no-store under /api/v1.
 * Returns res, so that `check(await api(...))` reads well.
 */
export function check(res, route) {
  const where = `${res.method} ${res.path} → ${res.status} ${res.text.slice(0, 300)}`;
  let method;
  let template;
  if (route) {
    [method, template] = route.split(' ');
  } else {
    method = res.method;
    template = templateOf(res.path);
  }
  const m = method.toLowerCase();
  let response;
  let pointer;
  const item = template && OPENAPI.paths[template];
  if (!item) {
    assert.equal(res.status, 404, `undocumented path must be 404: ${where}`);
    ({ obj: response, pointer } = deref({ $ref: '#/components/responses/NotFound' }));
  } else if (!item[m]) {
    assert.equal(res.status, 405, `method not in the path item must be 405: ${where}`);
    ({ obj: response, pointer } = deref({ $ref: '#/components/responses/MethodNotAllowed' }));
    const allow = (res.headers.get('allow') || '').split(',').map((s) => s.trim()).filter(Boolean).sort();
    const want = Object.keys(item).map((k) => k.toUpperCase());
    for (const w of want) assert.ok(allow.includes(w), `Allow ${JSON.stringify(allow)} lacks ${w}: ${where}`);
  } else {
    const r = item[m].responses[String(res.status)];
    assert.ok(r, `status ${res.status} is not documented for ${method} ${template}: ${where}`);
    ({ obj: response, pointer } = deref(r));
    if (!pointer) pointer = `/paths/${esc(template)}/${m}/responses/${res.status}`;
  }
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `X-Content-Type-Options: ${where}`);
  if (res.path.startsWith('/api/v1/')) {
    assert.equal(res.headers.get('cache-control'), 'no-store', `Cache-Control: ${where}`);
  }
  for (const [h, spec] of Object.entries(response.headers || {})) {
    const d = deref(spec).obj;
    if (d.required) assert.ok(res.headers.get(h) !== null, `header ${h} missing: ${where}`);
  }
  if (!response.content) {
    assert.equal(res.buf.length, 0, `no body documented: ${where}`);
    return res;
  }
  const ct = res.headers.get('content-type') || '';
  const essence = ct.split(';')[0].trim().toLowerCase();
  const mt = Object.keys(response.content).find((k) => k.split(';')[0].trim() === essence);
  assert.ok(mt, `Content-Type ${JSON.stringify(ct)} not documented (${Object.keys(response.content)}): ${where}`);
  if (essence === 'application/json') {
    assert.equal(ct.replace(/\s+/g, '').toLowerCase(), 'application/json;charset=utf-8', `Content-Type: ${where}`);
    let body;
    try { body = JSON.parse(res.text); } catch (e) { assert.fail(`body is not JSON (${e.message}): ${where}`); }
    const v = validatorFor(`${pointer}/content/${esc(mt)}/schema`);
    if (!v(body)) {
      assert.fail(`body does not match the schema: ${JSON.stringify(v.errors.slice(0, 5), null, 1)}\n${where}`);
    }
  } else if (essence === 'text/plain') {
    for (const param of mt.split(';').slice(1)) {
      assert.ok(ct.replace(/\s+/g, '').toLowerCase().includes(param.replace(/\s+/g, '').toLowerCase()),
        `Content-Type ${ct} lacks ${param}: ${where}`);
    }
  }
  return res;
}

// ---- test data ---------------------------------------------------------------

export const read = (p) => readFileSync(p, 'utf8');
export const EXAMPLE = join(PD_SRC, 'examples', 'zhejiang-q2-extension.json');
// A case whose verdict is eligible (so that it may be accepted and approved).
export const ELIGIBLE = join(PD_SRC, 'tests', 'cases', 'zhejiang', 'fee-reciprocal-country.json');

// Every file under dir whose name passes keep, sorted.
export function walk(dir, keep) {
  const out = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p, keep));
    else if (keep(e)) out.push(p);
  }
  return out;
}

// The whole content of the database, as `sqlite3 .dump` prints it (the
// server holds it open; a dump is a read).
export function dump(db) {
  return execFileSync('sqlite3', [db, '.dump'], { encoding: 'utf8', maxBuffer: 256 << 20 });
}

// Counts that must not move after a refused request.
export function sqlCount(db, table) {
  return Number(execFileSync('sqlite3', [db, `SELECT count(*) FROM ${table}`], { encoding: 'utf8' }).trim());
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
