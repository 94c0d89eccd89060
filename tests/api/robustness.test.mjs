// robustness.test.mjs: what a hostile or careless client sends: bad JSON,
// wrong types, unknown fields, bodies over 1 MiB, other content types,
// unknown routes and methods, a client that sends one byte a second; and
// what an operator does: SIGHUP with a broken and then a fixed policy,
// SIGTERM while requests are in flight.  After every refusal nothing is
// written.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startServer, api, check, login, loginAll, pd, read, sleep, EXAMPLE, ELIGIBLE, PD_SRC, OPENAPI,
} from './helpers.mjs';

const TABLES = ['users', 'cases', 'case_texts', 'audit', 'audit_head', 'notices', 'tasks', 'decisions', 'sequences'];
const snapshot = (db) => execFileSync('sqlite3', [db, ...TABLES.map((t) => `.dump ${t}`)], { encoding: 'utf8' });
const MiB = 1 << 20;
const REQUEST_TIMEOUT = 3; // seconds, --request-timeout

/*
 * One request over a plain socket, for bodies a server may refuse before
 * reading them.  With a Content-Length it asks `Expect: 100-continue` and
 * sends the body only after "100 Continue" (a server that refuses at once
 * answers before the body, and no reset can eat its answer); with
 * chunked it sends the body whole, in 64 KiB chunks, and the server must count
 * as it reads.  Resolves a response shaped as api()'s.
 */
function raw(server, method, path, body, token, { chunked = false } = {}) {
  const buf = Buffer.from(body);
  const head = `${method} ${path} HTTP/1.1\r\nHost: ${server.host}\r\nContent-Type: application/json\r\n` +
    (chunked ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${buf.length}\r\nExpect: 100-continue\r\n`) +
    `Connection: close\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}\r\n`;
  return new Promise((resolve, reject) => {
    const sock = net.connect(server.port, '127.0.0.1');
    let all = Buffer.alloc(0);
    let sent = false;
    const send = async () => {
      sent = true;
      for (let off = 0; off < buf.length && !sock.destroyed; off += 65536) {
        const piece = buf.subarray(off, off + 65536);
        const data = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
        if (!sock.write(data)) await new Promise((r) => { sock.once('drain', r); sock.once('close', r); });
      }
      if (chunked && !sock.destroyed) sock.write('0\r\n\r\n');
    };
    sock.on('data', (d) => {
      all = Buffer.concat([all, d]);
      const m = /^HTTP\/1\.1 100 [^\r]*\r\n\r\n/.exec(all.toString('latin1'));
      if (m) { all = all.subarray(m[0].length); if (!sent) send(); }
    });
    sock.on('error', () => {}); // judged on close
    setTimeout(() => sock.destroy(), 120000).unref();
    sock.on('close', () => {
      const i = all.indexOf('\r\n\r\n');
      if (i < 0) return reject(new Error(`no HTTP answer to ${method} ${path} (${all.length} bytes)`));
      const lines = all.subarray(0, i).toString('latin1').split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      const headers = new Headers();
      for (const l of lines.slice(1)) { const k = l.indexOf(':'); headers.append(l.slice(0, k).trim(), l.slice(k + 1).trim()); }
      let rest = all.subarray(i + 4);
      if (/chunked/i.test(headers.get('transfer-encoding') || '')) {
        const parts = [];
        for (;;) {
          const j = rest.indexOf('\r\n');
          const n = parseInt(rest.subarray(0, j).toString(), 16);
          if (!n) break;
          parts.push(rest.subarray(j + 2, j + 2 + n));
          rest = rest.subarray(j + 2 + n + 2);
        }
        rest = Buffer.concat(parts);
      }
      const text = rest.toString('utf8');
      let parsed;
      try { parsed = JSON.parse(text); } catch { parsed = undefined; }
      resolve({ status, headers, buf: rest, text, body: parsed, method, path });
    });
    sock.on('connect', () => {
      sock.write(head);
      if (chunked) send();
    });
  });
}

describe('bad requests', () => {
  let server;
  let T;
  before(async () => {
    server = await startServer({ args: ['--request-timeout', String(REQUEST_TIMEOUT)] });
    T = await loginAll(server);
  });
  after(async () => {
    assert.equal(await server.stop(), 0, 'exit code after SIGTERM');
    server.cleanup();
  });

  // POST the body to /check and, as olga, to /cases: the same refusal, nothing written.
  async function refusedBoth(status, code, body, headers = { 'content-type': 'application/json' }) {
    const out = [];
    for (const [path, token] of [['/api/v1/check', undefined], ['/api/v1/cases', T.olga]]) {
      const before_ = snapshot(server.db);
      const res = check(await api(server, 'POST', path, { body, headers, token }));
      assert.equal(res.status, status, `${path}: ${res.text.slice(0, 300)}`);
      assert.equal(res.body.error.code, code, path);
      assert.equal(snapshot(server.db), before_, `${path}: refused, yet the database changed`);
      out.push(res.body.error);
    }
    const where = ({ code: c, path: p, line, column }) => ({ c, p, line, column });
    assert.deepEqual(where(out[1]), where(out[0]), '/check and /cases locate the error alike');
    return out[0];
  }

  test('malformed JSON: 400 invalid_case with line and column', async () => {
    const e = await refusedBoth(400, 'invalid_case', '{\n  "jurisdiction": "zhejiang",\n  "date": 2026-09-28\n}');
    assert.equal(e.line, 3);
    assert.ok(e.column >= 11 && e.column <= 12, `column ${e.column}`);
    // No body at all is not a case either.
    const empty = check(await api(server, 'POST', '/api/v1/check', { body: '', headers: { 'content-type': 'application/json' } }));
    assert.equal(empty.status, 400);
    for (const b of ['{', 'null', '[]', '"case"', '{"jurisdiction": "zhejiang",}', '{"a" "b"}',
      '{"jurisdiction": "zhe\\ujiang"}', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])]) {
      await refusedBoth(400, 'invalid_case', b);
    }
  });

  test('a wrong type and an unknown field: 400 invalid_case naming the path', async () => {
    const c = JSON.parse(read(EXAMPLE));
    c.applicant.birth_date = 19580812;
    let e = await refusedBoth(400, 'invalid_case', JSON.stringify(c, null, 2));
    assert.equal(e.path, 'applicant.birth_date');
    assert.ok(e.line > 1 && e.column > 1);
    const d = JSON.parse(read(EXAMPLE));
    d.applicant.favourite_colour = 'blue';
    e = await refusedBoth(400, 'invalid_case', JSON.stringify(d));
    assert.equal(e.path, 'applicant.favourite_colour');
    assert.equal(e.line, 1);
    const f = JSON.parse(read(EXAMPLE));
    f.application.visa_type = 'Q9';
    e = await refusedBoth(400, 'invalid_case', JSON.stringify(f));
    assert.equal(e.path, 'application.visa_type');
  });

  test('a body over 1 MiB: 413 too_large; exactly 1 MiB is read', async () => {
    const base = read(EXAMPLE).trim();
    const pad = (n) => base.slice(0, -1) + ' '.repeat(n - Buffer.byteLength(base)) + '}';
    assert.equal(Buffer.byteLength(pad(MiB)), MiB);
    for (const [path, token] of [['/api/v1/check', undefined], ['/api/v1/cases', T.olga]]) {
      for (const [size, chunked] of [[MiB + 1, false], [8 * MiB, false], [MiB + 1, true], [2 * MiB, true]]) {
        const before_ = snapshot(server.db);
        const res = check(await raw(server, 'POST', path, pad(size), token, { chunked }), `POST ${path}`);
        assert.equal(res.status, 413, `${path} ${size} bytes${chunked ? ' chunked' : ''}: ${res.text.slice(0, 200)}`);
        assert.equal(res.body.error.code, 'too_large');
        assert.equal(snapshot(server.db), before_, `${path}: refused, yet the database changed`);
      }
    }
    const ok = check(await api(server, 'POST', '/api/v1/check', { body: pad(MiB), headers: { 'content-type': 'application/json' } }));
    assert.equal(ok.status, 200, ok.text.slice(0, 300));
    // Over the limit on a route that takes small bodies too.
    const big = check(await raw(server, 'POST', '/api/v1/sessions', `{"user":"olga","password":"${'x'.repeat(MiB)}"}`), 'POST /api/v1/sessions');
    assert.equal(big.status, 413);
  });

  test('a body that is not application/json: 415 unsupported', async () => {
    const body = read(EXAMPLE);
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx',
      'application/json-patch+json', 'multipart/form-data; boundary=x', 'text/json']) {
      await refusedBoth(415, 'unsupported', body, { 'content-type': ct });
    }
    await refusedBoth(415, 'unsupported', Buffer.from(body), {});
    for (const ct of ['application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-8']) {
      const res = check(await api(server, 'POST', '/api/v1/check', { body, headers: { 'content-type': ct } }));
      assert.equal(res.status, 200, ct);
    }
    // An action with no body needs no Content-Type; with a body it does.
    const { id } = check(await api(server, 'POST', '/api/v1/cases', { token: T.olga, json: read(ELIGIBLE) })).body;
    const before_ = snapshot(server.db);
    const bad = check(await api(server, 'POST', `/api/v1/cases/${id}/actions/submit`, { token: T.olga, body: '{"note":"x"}', headers: { 'content-type': 'text/plain' } }));
    assert.equal(bad.status, 415);
    assert.equal(snapshot(server.db), before_);
    const ok = check(await api(server, 'POST', `/api/v1/cases/${id}/actions/submit`, { token: T.olga }));
    assert.equal(ok.status, 200, ok.text);
  });

  test('unknown routes: 404 not_found', async () => {
    for (const p of ['/api/v1/nope', '/api/v2/health', '/api/v1/health/', '/api/v1/cases/x/y/z',
      '/metricsx', '/api/v1/policy/national', '/api/v1/policy/national/rules/extra', '/api/v1//health',
      '/api/v1/users/ada/delete', '/api', '/api/v1']) {
      const res = check(await api(server, 'GET', p, { token: T.ada }));
      assert.equal(res.status, 404, p);
      assert.equal(res.body.error.code, 'not_found', p);
    }
  });

  test('a known path with another method: 405 with Allow', async () => {
    const samples = { '{pack}': 'national', '{id}': 'zhejiang-2026-000001', '{action}': 'submit', '{name}': 'ann' };
    const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
    for (const [tmpl, item] of Object.entries(OPENAPI.paths)) {
      const path = tmpl.replace(/\{[a-z]+\}/g, (m) => samples[m]);
      for (const m of METHODS.filter((x) => !item[x.toLowerCase()])) {
        const res = check(await api(server, m, path, { token: T.ada }), `${m} ${tmpl}`);
        assert.equal(res.status, 405, `${m} ${path}`);
        assert.equal(res.body.error.code, 'method_not_allowed');
      }
    }
  });

  test('an applicant asking for another\'s case: 404, as for no case at all', async () => {
    const mine = check(await api(server, 'POST', '/api/v1/cases', { token: T.ann, json: read(EXAMPLE) })).body;
    const theirs = check(await api(server, 'GET', `/api/v1/cases/${mine.id}`, { token: T.ann2 }));
    const none = check(await api(server, 'GET', `/api/v1/cases/${'e'.repeat(32)}`, { token: T.ann2 }));
    assert.equal(theirs.status, 404);
    assert.equal(none.status, 404);
    assert.equal(theirs.body.error.code, 'not_found');
    assert.equal(theirs.body.error.message.replace(mine.id, 'REF'), none.body.error.message.replace('e'.repeat(32), 'REF'),
      'the messages differ only by the reference');
  });

  // Sends `head`, then `body` one byte a second; resolves what came back,
  // when, and whether the server ended it (or our own limit did).
  const LIMIT_MS = (REQUEST_TIMEOUT * 10 + 25) * 1000;
  function trickle(head, body) {
    return new Promise((resolve) => {
      const t0 = Date.now();
      const sock = net.connect(server.port, '127.0.0.1');
      let got = '';
      let timer;
      let i = 0;
      let byServer = true;
      sock.setEncoding('latin1');
      sock.on('connect', () => {
        sock.write(head);
        timer = setInterval(() => { if (i < body.length && !sock.destroyed) sock.write(body[i++]); }, 1000);
      });
      sock.on('data', (d) => { got += d; });
      const done = () => { clearInterval(timer); sock.destroy(); resolve({ got, ms: Date.now() - t0, sent: i, byServer }); };
      sock.on('close', done);
      sock.on('error', done);
      setTimeout(() => { byServer = false; done(); }, LIMIT_MS).unref();
    });
  }

  test('a client sending its body one byte a second is cut off (408 or closed) near the request timeout', async () => {
    const body = read(EXAMPLE);
    const r = await trickle(`POST /api/v1/check HTTP/1.1\r\nHost: ${server.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`, body);
    assert.ok(r.byServer, `still open after ${r.ms} ms (${r.sent} bytes sent)`);
    assert.ok(r.got === '' || /^HTTP\/1\.1 408 /.test(r.got), `answered: ${r.got.slice(0, 200)}`);
    assert.ok(r.sent < body.length, 'the whole body went through');
    assert.equal(check(await api(server, 'GET', '/api/v1/health')).status, 200, 'and the server still answers');
  });

  test('a client sending its headers one byte a second is cut off (408 or closed) near the request timeout', async () => {
    const head = `GET /api/v1/health HTTP/1.1\r\nHost: ${server.host}\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`;
    const r = await trickle('', head);
    assert.ok(r.byServer, `still open after ${r.ms} ms (${r.sent} bytes sent)`);
    assert.ok(r.got === '' || /^HTTP\/1\.1 408 /.test(r.got), `answered: ${r.got.slice(0, 200)}`);
    assert.equal(check(await api(server, 'GET', '/api/v1/health')).status, 200, 'and the server still answers');
  });
});

describe('signals', () => {
  test('SIGHUP: a broken pack is refused and the old policy serves; a fixed one is loaded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-api-policy-'));
    const policy = join(dir, 'policy');
    cpSync(join(PD_SRC, 'policy'), policy, { recursive: true });
    const server = await startServer({ policy, users: false });
    try {
      const versions = async () => {
        const res = check(await api(server, 'GET', '/api/v1/policy'));
        assert.equal(res.status, 200);
        return Object.fromEntries(res.body.packs.map((p) => [p.id, p.version]));
      };
      const v0 = await versions();
      const checked0 = check(await api(server, 'POST', '/api/v1/check', { json: read(EXAMPLE) })).text;
      const visa = join(policy, 'zhejiang', 'visa.yaml');
      const good = readFileSync(visa, 'utf8');
      writeFileSync(visa, `${good}\n  - id: [broken\n    when: : :\n`);
      const lint = await pd(['policy', 'lint', policy]);
      assert.notEqual(lint.code, 0, 'the broken pack really is broken');
      const logged = server.stderr.length;
      server.signal('SIGHUP');
      // Give the server time to try the reload (it logs it); bounded.
      for (let i = 0; i < 100 && server.stderr.length === logged; i++) await sleep(100);
      await sleep(500);
      assert.deepEqual(await versions(), v0, 'the old policy still serves');
      assert.equal(check(await api(server, 'POST', '/api/v1/check', { json: read(EXAMPLE) })).text, checked0);
      assert.equal(check(await api(server, 'GET', '/api/v1/policy/zhejiang/rules')).status, 200);
      // Fixed, and changed: a new version of zhejiang (and only of it).
      writeFileSync(visa, `${good}\n# reloaded\n`);
      server.signal('SIGHUP');
      let v1 = v0;
      for (let i = 0; i < 300 && v1.zhejiang === v0.zhejiang; i++) { await sleep(100); v1 = await versions(); }
      assert.notEqual(v1.zhejiang, v0.zhejiang, 'the fixed pack was loaded');
      assert.equal(v1.national, v0.national);
      const r = JSON.parse(check(await api(server, 'POST', '/api/v1/check', { json: read(EXAMPLE) })).text);
      assert.equal(r.policy.version, v1.zhejiang);
      assert.equal(server.proc.exitCode, null, 'still running');
    } finally {
      assert.equal(await server.stop(), 0, 'exit code after SIGTERM');
      server.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('SIGTERM while 20 POST /cases are in flight: exit 0, and every case answered 201 is stored', async () => {
    const server = await startServer();
    const token = await login(server, 'olga');
    const body = read(ELIGIBLE);
    const requests = Array.from({ length: 20 }, () => api(server, 'POST', '/api/v1/cases', { token, json: body })
      .then((res) => res, (err) => ({ error: err })));
    await sleep(20);
    server.signal('SIGTERM');
    const results = await Promise.all(requests);
    const code = await server.stop();
    assert.equal(code, 0, `exit code after SIGTERM; stderr:\n${server.stderr.slice(-2000)}`);
    const created = [];
    for (const r of results) {
      if (r.error) continue; // refused or reset: never answered
      check(r, 'POST /api/v1/cases');
      assert.ok([201, 503].includes(r.status), `${r.status} ${r.text.slice(0, 200)}`);
      if (r.status === 201) created.push(r.body);
    }
    for (const c of created) {
      const shown = await pd(['case', 'show', '--db', server.db, c.id]);
      assert.equal(shown.code, 0, `case ${c.number} answered 201 but is not stored: ${shown.stderr}`);
      assert.equal(JSON.parse(shown.stdout).number, c.number);
    }
    const verify = await pd(['audit', 'verify', '--db', server.db]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /"ok":true/);
    // Restarted on the same database, it serves every stored case.
    const again = await startServer({ dir: server.dir });
    try {
      const t = await login(again, 'olga');
      const list = check(await api(again, 'GET', '/api/v1/cases?limit=500', { token: t }));
      const ids = new Set(list.body.cases.map((c) => c.id));
      for (const c of created) assert.ok(ids.has(c.id), c.number);
      assert.ok(list.body.count >= created.length);
    } finally {
      assert.equal(await again.stop(), 0);
      again.cleanup();
    }
  });
});
