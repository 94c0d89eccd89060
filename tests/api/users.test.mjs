// users.test.mjs: user administration: list, add, read, disable, enable,
// passwords; who may do each; sessions ending on disable and on a new
// password; nothing written by a refusal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, api, check, login, loginAll, password, USERS } from './helpers.mjs';

const TABLES = ['users', 'audit', 'audit_head'];
const snapshot = (db) => execFileSync('sqlite3', [db, ...TABLES.map((t) => `.dump ${t}`)], { encoding: 'utf8' });

let server;
let T;
before(async () => {
  server = await startServer();
  T = await loginAll(server);
});
after(async () => {
  assert.equal(await server.stop(), 0, 'exit code after SIGTERM');
  server.cleanup();
});

async function refused(status, code, method, path, o) {
  const before_ = snapshot(server.db);
  const res = check(await api(server, method, path, o));
  assert.equal(res.status, status, `${method} ${path}: ${res.text}`);
  assert.equal(res.body.error.code, code);
  assert.equal(snapshot(server.db), before_, `${method} ${path}: refused, yet users or audit changed`);
  return res;
}

test('GET /users: every user, for admins', async () => {
  const res = check(await api(server, 'GET', '/api/v1/users', { token: T.ada }));
  assert.equal(res.status, 200);
  const got = Object.fromEntries(res.body.users.map((u) => [u.user, u.role]));
  for (const [name, role] of Object.entries(USERS)) assert.equal(got[name], role, name);
  assert.ok(res.body.users.every((u) => u.disabled === false));
  for (const u of ['ann', 'bob', 'olga', 'rita', 'sam']) await refused(403, 'forbidden', 'GET', '/api/v1/users', { token: T[u] });
  await refused(401, 'unauthorized', 'GET', '/api/v1/users', {});
});

test('POST /users: 201; 409 conflict for a taken name; 400 for bad bodies; 403 for others', async () => {
  const res = check(await api(server, 'POST', '/api/v1/users', { token: T.ada, json: { user: 'vera', role: 'reviewer', password: 'vera-password' } }));
  assert.equal(res.status, 201, res.text);
  assert.deepEqual([res.body.user, res.body.role, res.body.disabled], ['vera', 'reviewer', false]);
  assert.ok(Date.parse(res.body.created_at) > Date.now() - 3600e3);
  const t = await login(server, 'vera', 'vera-password');
  assert.equal(check(await api(server, 'GET', '/api/v1/me', { token: t })).body.role, 'reviewer');
  await refused(409, 'conflict', 'POST', '/api/v1/users', { token: T.ada, json: { user: 'vera', role: 'officer', password: 'another-password' } });
  await refused(409, 'conflict', 'POST', '/api/v1/users', { token: T.ada, json: { user: 'ann', role: 'applicant', password: 'another-password' } });
  for (const body of [
    { user: 'wim', role: 'king', password: 'wim-password' }, { user: 'wim', role: 'officer', password: 'short' },
    { user: 'wim w', role: 'officer', password: 'wim-password' }, { user: '', role: 'officer', password: 'wim-password' },
    { user: 'x'.repeat(64), role: 'officer', password: 'wim-password' }, { user: 'wim', role: 'officer' },
    { user: 'wim', role: 'officer', password: 'wim-password', disabled: true }, { user: 'wim', role: 3, password: 'wim-password' },
  ]) {
    await refused(400, 'invalid_request', 'POST', '/api/v1/users', { token: T.ada, json: body });
  }
  for (const u of ['ann', 'bob', 'olga', 'rita', 'sam']) {
    await refused(403, 'forbidden', 'POST', '/api/v1/users', { token: T[u], json: { user: 'wim', role: 'admin', password: 'wim-password' } });
  }
});

test('GET /users/{name}: admins and the user themself; others 403; unknown 404', async () => {
  for (const [who, name] of [['ada', 'ann'], ['ann', 'ann'], ['olga', 'olga'], ['ada', 'ada']]) {
    const res = check(await api(server, 'GET', `/api/v1/users/${name}`, { token: T[who] }));
    assert.equal(res.status, 200, `${who} reads ${name}`);
    assert.equal(res.body.user, name);
    assert.equal(res.body.role, USERS[name]);
  }
  for (const [who, name] of [['ann', 'ann2'], ['olga', 'ann'], ['sam', 'rita']]) {
    await refused(403, 'forbidden', 'GET', `/api/v1/users/${name}`, { token: T[who] });
  }
  await refused(404, 'not_found', 'GET', '/api/v1/users/nobody', { token: T.ada });
});

test('disable ends the user\'s sessions and refuses logins alike; enable lets them in again', async () => {
  const t = await login(server, 'bob');
  const res = check(await api(server, 'POST', '/api/v1/users/bob/disable', { token: T.ada }));
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.disabled, true);
  assert.equal(check(await api(server, 'GET', '/api/v1/me', { token: t })).status, 401);
  assert.equal(check(await api(server, 'GET', '/api/v1/me', { token: T.bob })).status, 401);
  const a = check(await api(server, 'POST', '/api/v1/sessions', { json: { user: 'bob', password: password('bob') } }));
  const b = check(await api(server, 'POST', '/api/v1/sessions', { json: { user: 'bob', password: 'not-his-password' } }));
  assert.equal(a.status, 401);
  assert.deepEqual(a.body, b.body, 'a disabled user and a wrong password answer alike');
  const list = check(await api(server, 'GET', '/api/v1/users', { token: T.ada }));
  assert.equal(list.body.users.find((u) => u.user === 'bob').disabled, true);
  const en = check(await api(server, 'POST', '/api/v1/users/bob/enable', { token: T.ada }));
  assert.equal(en.status, 200);
  assert.equal(en.body.disabled, false);
  T.bob = await login(server, 'bob');
  await refused(403, 'forbidden', 'POST', '/api/v1/users/ada/disable', { token: T.ada });
  for (const u of ['ann', 'olga', 'sam']) {
    await refused(403, 'forbidden', 'POST', '/api/v1/users/bob/disable', { token: T[u] });
    await refused(403, 'forbidden', 'POST', '/api/v1/users/bob/enable', { token: T[u] });
  }
  await refused(404, 'not_found', 'POST', '/api/v1/users/nobody/disable', { token: T.ada });
  await refused(404, 'not_found', 'POST', '/api/v1/users/nobody/enable', { token: T.ada });
});

test('POST /users/{name}/password: 204; the user\'s sessions end; the new password works', async () => {
  const t1 = await login(server, 'rita2');
  let res = check(await api(server, 'POST', '/api/v1/users/rita2/password', { token: t1, json: { password: 'a-new-password' } }));
  assert.equal(res.status, 204);
  assert.equal(check(await api(server, 'GET', '/api/v1/me', { token: t1 })).status, 401, 'own session ended');
  const t2 = await login(server, 'rita2', 'a-new-password');
  res = check(await api(server, 'POST', '/api/v1/users/rita2/password', { token: T.ada, json: { password: 'set-by-admin' } }));
  assert.equal(res.status, 204);
  assert.equal(check(await api(server, 'GET', '/api/v1/me', { token: t2 })).status, 401);
  const old = check(await api(server, 'POST', '/api/v1/sessions', { json: { user: 'rita2', password: 'a-new-password' } }));
  assert.equal(old.status, 401);
  await login(server, 'rita2', 'set-by-admin');
  await refused(403, 'forbidden', 'POST', '/api/v1/users/ann/password', { token: T.olga, json: { password: 'hijacked-pw' } });
  await refused(400, 'invalid_request', 'POST', '/api/v1/users/ann/password', { token: T.ada, json: { password: 'short' } });
  await refused(400, 'invalid_request', 'POST', '/api/v1/users/ann/password', { token: T.ada, json: { password: 'long-enough', user: 'x' } });
  await refused(404, 'not_found', 'POST', '/api/v1/users/nobody/password', { token: T.ada, json: { password: 'long-enough' } });
  await refused(401, 'unauthorized', 'POST', '/api/v1/users/ann/password', { json: { password: 'long-enough' } });
});
