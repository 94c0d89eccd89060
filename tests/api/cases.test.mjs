// cases.test.mjs: the case workflow over HTTP: filing, reading by id and by
// number, every action from draft to collected (and the supplement, reject
// and revoke paths), documents, audit, notices, listing and searching; and
// every refusal (401, 403, 404, 409, 400) leaving the database as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, api, check, loginAll, read, EXAMPLE, ELIGIBLE, TODAY } from './helpers.mjs';

const TABLES = ['users', 'cases', 'case_texts', 'audit', 'audit_head', 'notices', 'tasks', 'decisions', 'sequences'];
const snapshot = (db) => execFileSync('sqlite3', [db, ...TABLES.map((t) => `.dump ${t}`)], { encoding: 'utf8' });

let server;
let T; // tokens by user name
before(async () => {
  server = await startServer();
  T = await loginAll(server);
});
after(async () => {
  assert.equal(await server.stop(), 0, 'exit code after SIGTERM');
  server.cleanup();
});

const file = async (user, path = ELIGIBLE) => {
  const res = check(await api(server, 'POST', '/api/v1/cases', { token: T[user], json: read(path) }));
  assert.equal(res.status, 201, res.text);
  return res;
};
const act = async (user, ref, action, data, want = 200) => {
  const o = { token: T[user] };
  if (data !== undefined) o.json = data;
  const res = check(await api(server, 'POST', `/api/v1/cases/${ref}/actions/${action}`, o));
  assert.equal(res.status, want, `${user} ${action}: ${res.text}`);
  return res;
};
const view = async (user, ref, want = 200) => {
  const res = check(await api(server, 'GET', `/api/v1/cases/${ref}`, { token: T[user] }));
  assert.equal(res.status, want, res.text);
  return res.body;
};
// A request that must be refused with (status, code) and change nothing.
async function refused(status, code, method, path, o) {
  const before_ = snapshot(server.db);
  const res = check(await api(server, method, path, o));
  assert.equal(res.status, status, `${method} ${path}: ${res.text}`);
  assert.equal(res.body.error.code, code, `${method} ${path}`);
  assert.equal(snapshot(server.db), before_, `${method} ${path}: refused, yet the database changed`);
  return res;
}

test('POST /cases: 201, Location, the case view in draft with allowed actions', async () => {
  const res = await file('ann');
  const c = res.body;
  assert.equal(res.headers.get('location'), `/api/v1/cases/${c.id}`);
  assert.equal(c.state, 'draft');
  assert.equal(c.created_by, 'ann');
  assert.equal(c.created_on, TODAY);
  assert.match(c.number, /^zhejiang-2026-\d{6}$/);
  assert.equal(c.verdict, 'eligible');
  assert.deepEqual(c.facts, JSON.parse(read(ELIGIBLE)));
  assert.deepEqual(c.allowed_actions, ['submit']);
  assert.equal(c.history.length, 1);
  assert.equal(c.history[0].action, 'create');
  // By id and by number alike; another officer sees it with their own actions.
  const byId = await view('ann', c.id);
  const byNumber = await view('ann', c.number);
  assert.deepEqual(byId, byNumber);
  assert.deepEqual(byId.allowed_actions, ['submit']);
  assert.deepEqual((await view('olga', c.id)).allowed_actions, ['submit']);
  assert.deepEqual((await view('rita', c.id)).allowed_actions, []);
});

test('one case from draft to collected, with a telephone check', async () => {
  const { id, number } = (await file('ann')).body;
  let r = await act('ann', id, 'submit');
  assert.deepEqual([r.body.from, r.body.state, r.body.action, r.body.id, r.body.number], ['draft', 'submitted', 'submit', id, number]);
  r = await act('olga', number, 'accept', { note: 'all originals seen' });
  assert.equal(r.body.state, 'accepted');
  assert.match(r.body.receipt, /^zhejiang-2026-R\d+$/);
  assert.ok(r.body.decision_by > TODAY && r.body.receipt_valid_until >= r.body.decision_by);
  assert.ok(r.body.allowed_actions.includes('request_supplement'));
  r = await act('rita', id, 'assign');
  assert.equal(r.body.state, 'in_review');
  assert.equal((await view('olga', id)).assignee, 'rita');
  r = await act('rita', id, 'add_task', { kind: 'telephone', due: '2026-11-27' });
  assert.equal(r.body.task, 1);
  await refused(409, 'invalid_transition', 'POST', `/api/v1/cases/${id}/actions/approve`, { token: T.rita });
  await act('olga', id, 'complete_task', { task: 1, outcome: 'passed' });
  r = await act('rita', id, 'approve', { note: 'verified by telephone' });
  assert.equal(r.body.state, 'approved');
  assert.equal(r.body.decision, 1);
  await act('olga', id, 'issue');
  await refused(400, 'invalid_request', 'POST', `/api/v1/cases/${id}/actions/collect`, { token: T.olga, json: { method: 'in_person', address: '6 Meiyuan Road' } });
  let e = await refused(400, 'invalid_request', 'POST', `/api/v1/cases/${id}/actions/collect`, { token: T.olga, json: { method: 'post' } });
  assert.equal(e.body.error.path, 'data.address');
  assert.equal((await view('olga', id)).collect_address, null);
  const address = '天津市南开区卫津路94号 "Flat 2" Ann, 13800000000';
  r = await act('olga', id, 'collect', { method: 'post', address });
  assert.equal(r.body.state, 'collected');
  assert.equal((await view('olga', id)).collect_address, address);
  assert.deepEqual(r.body.allowed_actions, []);
  const v = await view('sam', id);
  assert.equal(v.state, 'collected');
  assert.equal(v.tasks.length, 1);
  assert.equal(v.tasks[0].outcome, 'passed');
  assert.equal(v.decisions.length, 1);
  assert.equal(v.decisions[0].action, 'approve');
  assert.equal(v.decisions[0].decided_by, 'rita');
  const audit = check(await api(server, 'GET', `/api/v1/cases/${id}/audit`, { token: T.olga }));
  assert.equal(audit.status, 200);
  assert.deepEqual(audit.body.entries.map((e) => e.action),
    ['create', 'submit', 'accept', 'assign', 'add_task', 'complete_task', 'approve', 'issue', 'collect']);
  assert.equal(audit.body.id, id);
  assert.equal(audit.body.number, number);
  const seqs = audit.body.entries.map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  assert.equal(audit.body.entries[2].note, 'all originals seen');
  assert.deepEqual(v.history, audit.body.entries);
  // Final: every action from here is 409.
  for (const a of ['accept', 'issue', 'collect']) {
    await refused(409, 'invalid_transition', 'POST', `/api/v1/cases/${id}/actions/${a}`, { token: T.sam, json: a === 'collect' ? { method: 'post' } : undefined });
  }
});

test('supplement and resubmission; notices', async () => {
  const { id } = (await file('ann', EXAMPLE)).body;
  await act('ann', id, 'submit');
  let r = await act('olga', id, 'request_supplement', { note: 'the kinship proof needs a translation' });
  assert.equal(r.body.state, 'awaiting_supplement');
  assert.equal(r.body.notice, 1);
  const n = check(await api(server, 'GET', `/api/v1/cases/${id}/notices`, { token: T.ann }));
  assert.equal(n.status, 200);
  assert.equal(n.body.notices.length, 1);
  assert.equal(n.body.notices[0].note, 'the kinship proof needs a translation');
  assert.equal(n.body.notices[0].answered_on, null);
  assert.ok(n.body.notices[0].materials.length > 0);
  const fixed = JSON.parse(read(EXAMPLE));
  fixed.documents.find((d) => d.type === 'kinship_proof').translated = true;
  r = await act('ann', id, 'resubmit', { case: fixed, note: 'translation added' });
  assert.equal(r.body.state, 'submitted');
  const v = await view('ann', id);
  assert.deepEqual(v.facts, fixed);
  assert.equal(v.notices[0].answered_on, TODAY);
});

test('reject, and revoke on a failed check', async () => {
  const a = (await file('ann')).body.id;
  const b = (await file('bob')).body.id;
  for (const id of [a, b]) {
    await act(id === a ? 'ann' : 'bob', id, 'submit');
    await act('sam', id, 'accept');
    await act('sam', id, 'assign', { to: 'rita' });
  }
  let r = await act('rita', a, 'reject', { note: 'no' });
  assert.equal(r.body.state, 'rejected');
  await act('rita', b, 'add_task', { kind: 'telephone' });
  await refused(409, 'invalid_transition', 'POST', `/api/v1/cases/${b}/actions/revoke`, { token: T.rita, json: { ground: 'unreachable_telephone' } });
  await act('rita', b, 'complete_task', { task: 1, outcome: 'unreachable' });
  r = await act('rita', b, 'revoke', { ground: 'unreachable_telephone' });
  assert.equal(r.body.state, 'revoked');
  assert.equal((await view('olga', b)).decisions[0].ground, 'unreachable_telephone');
});

test('refusals: 403 for a role that may never act, 404 for a case not the caller\'s, 409 from a wrong state, 400 for bad words or data; none writes', async () => {
  const { id, number } = (await file('ann')).body;
  const p = (a) => `/api/v1/cases/${id}/actions/${a}`;
  await refused(403, 'forbidden', 'POST', p('approve'), { token: T.olga });
  await refused(403, 'forbidden', 'POST', p('submit'), { token: T.ada });
  await refused(403, 'forbidden', 'POST', p('accept'), { token: T.ann });
  await refused(404, 'not_found', 'POST', p('submit'), { token: T.ann2 });
  await refused(404, 'not_found', 'POST', p('submit'), { token: T.bob });
  await refused(404, 'not_found', 'POST', `/api/v1/cases/${number}/actions/submit`, { token: T.ann2 });
  await refused(409, 'invalid_transition', 'POST', p('accept'), { token: T.olga });
  await refused(409, 'invalid_transition', 'POST', p('issue'), { token: T.sam });
  await refused(400, 'invalid_request', 'POST', p('frobnicate'), { token: T.olga });
  await refused(400, 'invalid_request', 'POST', p('Submit'), { token: T.ann });
  await refused(404, 'not_found', 'POST', `/api/v1/cases/${'0'.repeat(32)}/actions/submit`, { token: T.olga });
  await refused(404, 'not_found', 'POST', '/api/v1/cases/zhejiang-2026-999999/actions/submit', { token: T.olga });
  await refused(401, 'unauthorized', 'POST', p('submit'), {});
  // Bad data, on a case where the action is allowed.
  await act('ann', id, 'submit');
  await act('olga', id, 'accept');
  await act('rita', id, 'assign');
  for (const [user, action, data] of [
    ['rita', 'add_task', { kind: 'dance' }], ['rita', 'add_task', {}],
    ['rita', 'add_task', { kind: 'interview', when: '2026-12-01' }],
    ['rita', 'add_task', { kind: 'interview', due: '2026-13-01' }], ['rita', 'add_task', { kind: 7 }],
    ['rita', 'add_task', []], ['rita', 'add_task', 'interview'],
    ['rita', 'complete_task', { task: 'one', outcome: 'passed' }],
    ['rita', 'complete_task', { task: 9, outcome: 'passed' }],
    ['sam', 'assign', { to: 'nobody-here' }], ['sam', 'assign', { to: 'olga' }], ['rita', 'approve', { note: 5 }],
  ]) {
    await refused(400, 'invalid_request', 'POST', p(action), { token: T[user], json: data });
  }
  await refused(400, 'invalid_request', 'POST', p('add_task'), { token: T.rita, json: '{"kind": "interview"' });
  // A reviewer acts only on the cases assigned to them.
  const other = await refused(403, 'forbidden', 'POST', p('add_task'), { token: T.rita2, json: { kind: 'interview' } });
  assert.ok(other.body.error.message);
});

test('reading: 404 for a case the caller may not see, 403 for audit without the role', async () => {
  const { id, number } = (await file('ann')).body;
  for (const u of ['ann2', 'bob']) {
    for (const ref of [id, number]) {
      for (const sub of ['', '/notices']) {
        await refused(404, 'not_found', 'GET', `/api/v1/cases/${ref}${sub}`, { token: T[u] });
      }
    }
  }
  for (const u of ['ann', 'ann2', 'bob']) await refused(403, 'forbidden', 'GET', `/api/v1/cases/${id}/audit`, { token: T[u] });
  for (const u of ['olga', 'rita', 'sam', 'ada']) {
    assert.equal(check(await api(server, 'GET', `/api/v1/cases/${id}/audit`, { token: T[u] })).status, 200, u);
  }
  await refused(404, 'not_found', 'GET', `/api/v1/cases/${'f'.repeat(32)}`, { token: T.olga });
  await refused(404, 'not_found', 'GET', `/api/v1/cases/${'f'.repeat(32)}/audit`, { token: T.olga });
  await refused(404, 'not_found', 'GET', `/api/v1/cases/${'f'.repeat(32)}/notices`, { token: T.olga });
});

test('POST /cases/{id}/documents: replaces the documents, re-evaluates, audits; bad documents are 400 invalid_case with where', async () => {
  const created = (await file('ann', EXAMPLE)).body;
  const { id } = created;
  assert.equal(created.verdict, 'incomplete');
  const docs = JSON.parse(read(EXAMPLE)).documents;
  docs.find((d) => d.type === 'kinship_proof').translated = true;
  const res = check(await api(server, 'POST', `/api/v1/cases/${id}/documents`, { token: T.ann, json: { documents: docs, note: 'translation brought' } }));
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.facts.documents, docs);
  assert.equal(res.body.history.at(-1).action, 'documents');
  assert.equal(res.body.history.at(-1).note, 'translation brought');
  assert.notDeepEqual(res.body.result, created.result, 're-evaluated');
  const body = '{"documents": [\n  {"type": "passport"},\n  {"type": "no_such_document"}\n]}';
  const bad = await refused(400, 'invalid_case', 'POST', `/api/v1/cases/${id}/documents`, { token: T.ann, json: body });
  assert.equal(bad.body.error.path, 'documents[1].type');
  assert.equal(bad.body.error.line, 3);
  // Within the faulty document (`permitdesk check` points at its opening brace).
  assert.ok(bad.body.error.column >= 3 && bad.body.error.column <= 12, `column ${bad.body.error.column}`);
  for (const b of ['{}', '{"documents": "passport"}', '{"documents": [], "extra": 1}', '{"documents": [{"type": "passport", "colour": "red"}]}', '[']) {
    const r = await refused(400, 'invalid_case', 'POST', `/api/v1/cases/${id}/documents`, { token: T.ann, json: b });
    assert.ok(r.body.error.line >= 1 || r.body.error.path !== undefined, `${b}: located`);
  }
  await refused(404, 'not_found', 'POST', `/api/v1/cases/${id}/documents`, { token: T.ann2, json: { documents: docs } });
  await refused(403, 'forbidden', 'POST', `/api/v1/cases/${id}/documents`, { token: T.rita, json: { documents: docs } });
  // Decided cases keep their documents.
  const done = (await file('ann')).body.id;
  await act('ann', done, 'submit');
  await act('sam', done, 'accept');
  // separation of duties: whoever accepted a case does not decide it
  await act('sam', done, 'assign', { to: 'rita' });
  await act('rita', done, 'reject');
  await refused(409, 'invalid_transition', 'POST', `/api/v1/cases/${done}/documents`, { token: T.sam, json: { documents: docs } });
});

test('GET /cases: visibility, filters, search, paging', async () => {
  const mine = (await file('ann2', EXAMPLE)).body;
  const list = async (user, q = '', want = 200) => {
    const res = check(await api(server, 'GET', `/api/v1/cases${q}`, { token: T[user] }));
    assert.equal(res.status, want, `${user} ${q}: ${res.text}`);
    return res.body;
  };
  const all = await list('olga', '?limit=500');
  assert.equal(all.as_of, TODAY);
  assert.equal(all.count, all.cases.length);
  assert.equal(all.next, null);
  assert.ok(all.cases.some((c) => c.id === mine.id));
  assert.ok(all.cases.some((c) => c.created_by === 'ann'));
  const own = await list('ann2', '?limit=500');
  assert.deepEqual(own.cases.map((c) => c.id), [mine.id], 'an applicant sees only their own cases');
  assert.ok((await list('bob', '?limit=500')).cases.every((c) => c.created_by === 'bob'));
  assert.equal((await list('ada', '?limit=500')).count, all.count, 'admins read every case');
  // Filters.
  for (const [q, pred] of [
    ['?state=draft', (c) => c.state === 'draft'], ['?state=collected', (c) => c.state === 'collected'],
    ['?pack=zhejiang', (c) => c.pack === 'zhejiang'], ['?assignee=rita', (c) => c.assignee === 'rita'],
    ['?overdue=true', (c) => c.overdue === true],
  ]) {
    const got = await list('sam', `${q}&limit=500`);
    assert.deepEqual(got.cases.map((c) => c.id), all.cases.filter(pred).map((c) => c.id), q);
  }
  assert.ok((await list('sam', '?state=collected')).count >= 1);
  assert.equal((await list('sam', '?pack=tianjin')).count, 0);
  // Search: number, any part of the applicant's name in any case, passport number.
  assert.deepEqual((await list('olga', `?q=${mine.number}`)).cases.map((c) => c.id), [mine.id]);
  const name = JSON.parse(read(EXAMPLE)).applicant.name.split(' ')[1].toUpperCase();
  assert.ok((await list('olga', `?q=${encodeURIComponent(name)}&limit=500`)).cases.some((c) => c.id === mine.id));
  const passport = JSON.parse(read(EXAMPLE)).applicant.passport.number;
  assert.ok((await list('olga', `?q=${passport}&limit=500`)).cases.every((c) => all.cases.find((x) => x.id === c.id)));
  assert.ok((await list('olga', `?q=${passport}`)).cases.some((c) => c.id === mine.id));
  assert.equal((await list('olga', '?q=no-such-applicant-anywhere')).count, 0);
  assert.equal((await list('ann', `?q=${mine.number}`)).count, 0, 'search does not show others\' cases');
  // Paging: limit 2 until next is null gives the whole list, in order, once each.
  const seen = [];
  let after = '';
  for (let i = 0; i < 1000; i++) {
    const page = await list('olga', `?limit=2${after}`);
    assert.ok(page.count <= 2);
    seen.push(...page.cases.map((c) => c.id));
    if (page.next === null) break;
    after = `&after=${encodeURIComponent(page.next)}`;
  }
  assert.deepEqual(seen, all.cases.map((c) => c.id));
  assert.ok(all.cases.length > 2, 'enough cases to page');
  // Default limit 50.
  assert.ok((await list('olga')).count <= 50);
  for (const q of ['?limit=0', '?limit=501', '?limit=-1', '?limit=ten', '?state=lost', '?overdue=maybe',
    '?after=not-a-cursor', '?bogus=1']) {
    const res = await list('olga', q, 400);
    assert.equal(res.error.code, 'invalid_request', q);
  }
  await list('olga', '?limit=500', 200);
});
