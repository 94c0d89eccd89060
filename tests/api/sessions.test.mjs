// sessions.test.mjs: logging in and out, bearer and cookie authentication,
// the same-origin rule for cookie requests that change something, tokens that
// must not work, and the limits on failed logins.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  startServer, api, check, login, password, read, USERS, ROLE_USER, EXAMPLE,
} from './helpers.mjs';

// Everything but the sessions table (which a login may write).
const TABLES = ['users', 'cases', 'case_texts', 'audit', 'audit_head', 'notices', 'tasks', 'decisions'];
const snapshot = (db) => execFileSync('sqlite3', [db, ...TABLES.map((t) => `.dump ${t}`)], { encoding: 'utf8' });

const CAPS = {
  applicant: ['case_create', 'case_documents', 'case_read'],
  agent: ['case_create', 'case_documents', 'case_read'],
  officer: ['appointments', 'audit_read', 'case_create', 'case_documents', 'case_read'],
  reviewer: ['appointments', 'audit_read', 'case_read'],
  supervisor: ['appointments', 'audit_read', 'case_create', 'case_documents', 'case_read'],
  admin: ['audit_read', 'case_read', 'users'],
};

describe('sessions', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => {
    assert.equal(await server.stop(), 0, 'exit code after SIGTERM');
    server.cleanup();
  });

  test('POST /sessions: 201 with a token, the role, an expiry 12 h on, and an HttpOnly SameSite=Strict cookie', async () => {
    const t0 = Date.now();
    const res = check(await api(server, 'POST', '/api/v1/sessions', { json: { user: 'olga', password: password('olga') } }));
    assert.equal(res.status, 201);
    assert.equal(res.body.user, 'olga');
    assert.equal(res.body.role, 'officer');
    assert.match(res.body.expires_at, /Z$/, 'UTC');
    const exp = Date.parse(res.body.expires_at);
    assert.ok(exp >= t0 + 12 * 3600e3 - 120e3 && exp <= Date.now() + 12 * 3600e3 + 120e3, res.body.expires_at);
    const cookies = res.headers.getSetCookie();
    const c = cookies.find((s) => s.startsWith('pd_session='));
    assert.ok(c, JSON.stringify(cookies));
    const [pair, ...attrs] = c.split(';').map((s) => s.trim());
    assert.equal(pair, `pd_session=${res.body.token}`);
    const a = attrs.map((s) => s.toLowerCase());
    assert.ok(a.includes('httponly'), c);
    assert.ok(a.includes('samesite=strict'), c);
    assert.ok(a.includes('path=/'), c);
  });

  test('GET /me for every role: user, role, capabilities', async () => {
    for (const [role, user] of Object.entries(ROLE_USER)) {
      const token = await login(server, user);
      const res = check(await api(server, 'GET', '/api/v1/me', { token }));
      assert.equal(res.status, 200);
      assert.equal(res.body.user, user);
      assert.equal(res.body.role, role);
      assert.deepEqual([...res.body.capabilities].sort(), CAPS[role], role);
    }
  });

  test('an unknown user and a wrong password answer alike: 401 unauthorized', async () => {
    const a = check(await api(server, 'POST', '/api/v1/sessions', { json: { user: 'nobody', password: 'whatever-pw' } }));
    const b = check(await api(server, 'POST', '/api/v1/sessions', { json: { user: 'sam', password: 'wrong-password' } }));
    assert.equal(a.status, 401);
    assert.equal(b.status, 401);
    assert.equal(a.body.error.code, 'unauthorized');
    assert.deepEqual(a.body, b.body);
    assert.equal(a.headers.getSetCookie().length, 0);
  });

  test('bad login bodies: 400 invalid_request, 415 without JSON, nothing written', async () => {
    const before_ = snapshot(server.db);
    for (const body of [
      '{"user":"olga"}', '{"password":"x"}', '{"user":"olga","password":"secret-olga-pw","role":"admin"}',
      '{"user":1,"password":"secret-olga-pw"}', '{"user":"olga","password":"secret-olga-pw"', '[]', '',
      '{"user":"olga","user":"olga","password":"secret-olga-pw"}',
    ]) {
      const res = check(await api(server, 'POST', '/api/v1/sessions', { body, headers: { 'content-type': 'application/json' } }));
      assert.equal(res.status, 400, body);
      assert.equal(res.body.error.code, 'invalid_request', body);
    }
    const res = check(await api(server, 'POST', '/api/v1/sessions', {
      body: 'user=olga&password=secret-olga-pw', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }));
    assert.equal(res.status, 415);
    assert.equal(snapshot(server.db), before_);
  });

  test('DELETE /sessions: 204, and the token no longer works', async () => {
    const token = await login(server, 'rita');
    assert.equal(check(await api(server, 'GET', '/api/v1/me', { token })).status, 200);
    const res = check(await api(server, 'DELETE', '/api/v1/sessions', { token }));
    assert.equal(res.status, 204);
    const me = check(await api(server, 'GET', '/api/v1/me', { token }));
    assert.equal(me.status, 401);
    assert.equal(me.body.error.code, 'unauthorized');
    assert.equal(check(await api(server, 'DELETE', '/api/v1/sessions', { token })).status, 401);
  });

  test('tokens that must not work: none, forged, malformed, another scheme, logged out, expired', async () => {
    const good = await login(server, 'sam');
    const forged = good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A');
    for (const headers of [
      {}, { authorization: `Bearer ${forged}` }, { authorization: 'Bearer ' }, { authorization: 'Bearer x' },
      { authorization: `Basic ${Buffer.from('sam:secret-sam-pw').toString('base64')}` },
      { authorization: `Bearer ${'A'.repeat(43)}` }, { authorization: `Bearer ${good}x` },
      { cookie: `pd_session=${forged}` }, { cookie: `pd_session=` },
    ]) {
      const res = check(await api(server, 'GET', '/api/v1/me', { headers }));
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.body.error.code, 'unauthorized');
    }
    // Expired: the session's times moved back past its idle and absolute limits.
    const old = await login(server, 'sam');
    assert.equal(check(await api(server, 'GET', '/api/v1/me', { token: old })).status, 200);
    execFileSync('sqlite3', [server.db,
      "UPDATE sessions SET created_at = 1, last_used_at = 1, expires_at = 2 WHERE user_name = 'sam'"]);
    const res = check(await api(server, 'GET', '/api/v1/me', { token: old }));
    assert.equal(res.status, 401, 'an expired session');
    assert.equal(check(await api(server, 'GET', '/api/v1/me', { token: good })).status, 401, 'an expired session');
  });

  test('cookie sessions: reads need nothing more; changes need Origin or Sec-Fetch-Site same-origin', async () => {
    const cookie = await login(server, 'olga');
    const body = read(EXAMPLE);
    assert.equal(check(await api(server, 'GET', '/api/v1/me', { cookie })).status, 200);
    const before_ = snapshot(server.db);
    for (const headers of [{}, { origin: 'http://evil.example' }, { origin: `http://${server.host}.evil.example` },
      { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' },
      { origin: `https://${server.host}` }]) {
      const res = check(await api(server, 'POST', '/api/v1/cases', { cookie, json: body, headers }));
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(res.body.error.code, 'forbidden');
      const out = check(await api(server, 'DELETE', '/api/v1/sessions', { cookie, headers }));
      assert.equal(out.status, 403, `logout ${JSON.stringify(headers)}`);
    }
    assert.equal(snapshot(server.db), before_, 'a refused cookie request wrote something');
    assert.equal(check(await api(server, 'GET', '/api/v1/me', { cookie })).status, 200, 'the session survived');
    const a = check(await api(server, 'POST', '/api/v1/cases', { cookie, json: body, headers: { origin: server.origin } }));
    assert.equal(a.status, 201, a.text);
    const b = check(await api(server, 'POST', '/api/v1/cases', { cookie, json: body, headers: { 'sec-fetch-site': 'same-origin' } }));
    assert.equal(b.status, 201, b.text);
    // Bearer requests need neither.
    const c = check(await api(server, 'POST', '/api/v1/cases', { token: cookie, json: body, headers: { origin: 'http://evil.example' } }));
    assert.equal(c.status, 201, c.text);
    const out = check(await api(server, 'DELETE', '/api/v1/sessions', { cookie, headers: { origin: server.origin } }));
    assert.equal(out.status, 204);
    assert.equal(check(await api(server, 'GET', '/api/v1/me', { cookie })).status, 401);
  });
});

describe('failed logins per user', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => {
    assert.equal(await server.stop(), 0, 'exit code after SIGTERM');
    server.cleanup();
  });

  test('after 5 failures for one user the 6th attempt is 429 with Retry-After, even with the right password; nothing written', async () => {
    const before_ = snapshot(server.db);
    for (let i = 0; i < 5; i++) {
      const res = check(await api(server, 'POST', '/api/v1/sessions', { json: { user: 'ann', password: `wrong-${i}-pw` } }));
      assert.equal(res.status, 401, `attempt ${i + 1}`);
    }
    for (const pw of ['wrong-6-pw', password('ann')]) {
      const res = check(await api(server, 'POST', '/api/v1/sessions', { json: { user: 'ann', password: pw } }));
      assert.equal(res.status, 429, pw);
      assert.equal(res.body.error.code, 'rate_limited');
      const ra = Number(res.headers.get('retry-after'));
      assert.ok(Number.isInteger(ra) && ra >= 1 && ra <= 15 * 60, `Retry-After ${res.headers.get('retry-after')}`);
      assert.equal(res.headers.getSetCookie().length, 0);
    }
    assert.equal(snapshot(server.db), before_);
    // Another user is not locked out.
    assert.ok(await login(server, 'bob'));
  });
});

describe('failed logins per address', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => {
    assert.equal(await server.stop(), 0, 'exit code after SIGTERM');
    server.cleanup();
  });

  test('20 failures from one address lock it out; a success in between does not reset the count', async () => {
    const names = Object.keys(USERS);
    const fail = async (i) => {
      // At most 3 failures per name, so that only the address limit can apply.
      const user = i < 16 ? `ghost${i % 8}` : names[i % names.length];
      const res = check(await api(server, 'POST', '/api/v1/sessions', { json: { user, password: `wrong-${i}-pw` } }));
      assert.equal(res.status, 401, `failure ${i + 1}`);
    };
    for (let i = 0; i < 10; i++) await fail(i);
    assert.ok(await login(server, 'olga'), 'a good login in between');
    for (let i = 10; i < 20; i++) await fail(i);
    const res = check(await api(server, 'POST', '/api/v1/sessions', { json: { user: 'sam', password: password('sam') } }));
    assert.equal(res.status, 429);
    assert.equal(res.body.error.code, 'rate_limited');
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
  });
});
