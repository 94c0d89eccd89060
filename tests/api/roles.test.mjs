// roles.test.mjs: every route for every role and for no session at all: the
// status each must get, one table.  Routes that change something get a fresh
// case (filed by the applicant ann) or a spare user for each call.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, check, login, password, read, ROLE_USER, EXAMPLE, ELIGIBLE } from './helpers.mjs';

const WHO = ['anonymous', 'applicant', 'agent', 'officer', 'reviewer', 'supervisor', 'admin'];

let server;
let owner; // ann's token, for setting cases up
let n = 0;
before(async () => {
  server = await startServer();
  owner = await login(server, 'ann');
  const admin = await login(server, 'ada');
  const res = check(await api(server, 'POST', '/api/v1/users', { token: admin, json: { user: 'zoe', role: 'officer', password: 'zoe-password' } }));
  assert.equal(res.status, 201);
});
after(async () => {
  assert.equal(await server.stop(), 0, 'exit code after SIGTERM');
  server.cleanup();
});

async function draft() {
  const res = check(await api(server, 'POST', '/api/v1/cases', { token: owner, json: read(ELIGIBLE) }));
  assert.equal(res.status, 201, res.text);
  return res.body.id;
}
async function submitted() {
  const id = await draft();
  const res = check(await api(server, 'POST', `/api/v1/cases/${id}/actions/submit`, { token: owner }));
  assert.equal(res.status, 200, res.text);
  return id;
}
let shared;
const sharedCase = async () => (shared ??= await submitted());
// A case accepted by the officer: it has a receipt, and no notice or decision yet.
let acceptedShared;
const acceptedCase = async () => (acceptedShared ??= await (async () => {
  const id = await submitted();
  const officer = await login(server, ROLE_USER.officer);
  const res = check(await api(server, 'POST', `/api/v1/cases/${id}/actions/accept`, { token: officer }));
  assert.equal(res.status, 200, res.text);
  return id;
})());

const all = (s) => WHO.map(() => s);
const ONLY_ADMIN = (s) => [401, 403, 403, 403, 403, 403, s];
const docs = JSON.parse(read(EXAMPLE)).documents;

const OFFICE = 'tianjin-exit-entry-service-center';
let slot = 0;
const slotTime = (k) => `${String(9 + Math.floor(k / 2) % 8).padStart(2, '0')}:${k % 2 ? '30' : '00'}`;
const booking = () => ({ office: OFFICE, date: '2026-11-24', time: slotTime(++slot), passport: 'R1' });
async function booked() {
  const res = check(await api(server, 'POST', '/api/v1/appointments', { json: booking() }));
  assert.equal(res.status, 201, res.text);
  return res.body.reference;
}

// [route, status per WHO, (role) => {path, json?, body creds}]
const TABLE = [
  ['GET /api/v1/health', all(200)],
  ['GET /metrics', all(200)],
  ['GET /api/v1/openapi.json', all(200)],
  ['GET /api/v1/case.schema.json', all(200)],
  ['GET /api/v1/result.schema.json', all(200)],
  ['POST /api/v1/check', all(200), async () => ({ json: read(EXAMPLE) })],
  ['GET /api/v1/facts', all(200)],
  ['GET /api/v1/calendar/add', all(200), async () => ({ path: '/api/v1/calendar/add?date=2026-09-28&n=7' })],
  ['GET /api/v1/calendar/workday', all(200), async () => ({ path: '/api/v1/calendar/workday?date=2026-10-10' })],
  ['GET /api/v1/policy', all(200)],
  ['GET /api/v1/policy/{pack}/rules', all(200), async () => ({ path: '/api/v1/policy/tianjin/rules' })],
  ['GET /api/v1/policy/{pack}/conflicts', all(200), async () => ({ path: '/api/v1/policy/tianjin/conflicts' })],
  ['GET /api/v1/policy/{pack}/clauses', all(200), async () => ({ path: '/api/v1/policy/tianjin/clauses' })],
  ['GET /api/v1/offices', all(200)],
  // The progress query is public: the same answer whoever asks.
  ['GET /api/v1/progress', all(200), async () => {
    const id = await acceptedCase();
    const view = check(await api(server, 'GET', `/api/v1/cases/${id}`, { token: owner })).body;
    const passport = JSON.parse(read(ELIGIBLE)).applicant.passport.number;
    return { path: `/api/v1/progress?receipt=${view.receipt.number}&passport=${passport}` };
  }],
  // Appointments: public, by reference and passport number; the day view for the counter.
  ['GET /api/v1/offices/{id}/slots', all(200), async () => ({ path: `/api/v1/offices/${OFFICE}/slots` })],
  ['POST /api/v1/appointments', all(201), async () => ({ json: booking() })],
  ['GET /api/v1/appointments/{ref}', all(200), async () => ({ path: `/api/v1/appointments/${await booked()}?passport=R1` })],
  ['PATCH /api/v1/appointments/{ref}', all(200), async () => {
    const ref = await booked();
    return { path: `/api/v1/appointments/${ref}`, json: { passport: 'R1', date: '2026-11-25', time: slotTime(++slot) } };
  }],
  ['DELETE /api/v1/appointments/{ref}', all(200), async () => ({ path: `/api/v1/appointments/${await booked()}?passport=R1` })],
  ['GET /api/v1/offices/{id}/appointments', [401, 403, 403, 200, 200, 200, 403], async () => ({ path: `/api/v1/offices/${OFFICE}/appointments?date=2026-11-24` })],
  ['POST /api/v1/sessions', all(201), async (user) => ({ json: { user: user || 'ann', password: password(user || 'ann') }, anonymous: true })],
  ['DELETE /api/v1/sessions', [401, 204, 204, 204, 204, 204, 204]],
  ['GET /api/v1/me', [401, 200, 200, 200, 200, 200, 200]],
  ['POST /api/v1/cases', [401, 201, 201, 201, 403, 201, 403], async () => ({ json: read(ELIGIBLE) })],
  ['GET /api/v1/cases', [401, 200, 200, 200, 200, 200, 200]],
  ['GET /api/v1/cases/{id}', [401, 200, 404, 200, 200, 200, 200], async () => ({ path: `/api/v1/cases/${await sharedCase()}` })],
  ['POST /api/v1/cases/{id}/actions/{action}', [401, 200, 404, 200, 403, 403, 403],
    async () => ({ path: `/api/v1/cases/${await draft()}/actions/submit` }), 'submit a draft'],
  // The agent may not see the applicant's case at all: 404, as for any case it may not read.
  ['POST /api/v1/cases/{id}/actions/{action}', [401, 403, 404, 200, 403, 200, 403],
    async () => ({ path: `/api/v1/cases/${await submitted()}/actions/accept` }), 'accept a submitted case'],
  ['POST /api/v1/cases/{id}/documents', [401, 200, 404, 200, 403, 200, 403],
    async () => ({ path: `/api/v1/cases/${await draft()}/documents`, json: { documents: docs } })],
  ['GET /api/v1/cases/{id}/audit', [401, 403, 403, 200, 200, 200, 200], async () => ({ path: `/api/v1/cases/${await sharedCase()}/audit` })],
  ['GET /api/v1/cases/{id}/notices', [401, 200, 404, 200, 200, 200, 200], async () => ({ path: `/api/v1/cases/${await sharedCase()}/notices` })],
  // Papers: for whoever may read the case; 409 while the case has no such paper
  // (a one-time notice can always be printed: it is the case's current list).
  ['GET /api/v1/cases/{id}/receipt.pdf', [401, 200, 404, 200, 200, 200, 200], async () => ({ path: `/api/v1/cases/${await acceptedCase()}/receipt.pdf` })],
  ['GET /api/v1/cases/{id}/notice.pdf', [401, 200, 404, 200, 200, 200, 200], async () => ({ path: `/api/v1/cases/${await acceptedCase()}/notice.pdf` })],
  ['GET /api/v1/cases/{id}/decision.pdf', [401, 409, 404, 409, 409, 409, 409], async () => ({ path: `/api/v1/cases/${await acceptedCase()}/decision.pdf` })],
  ['GET /api/v1/users', ONLY_ADMIN(200)],
  ['POST /api/v1/users', ONLY_ADMIN(201), async () => ({ json: { user: `new${++n}`, role: 'applicant', password: 'a-password' } })],
  ['GET /api/v1/users/{name}', [401, 200, 403, 403, 403, 403, 200], async () => ({ path: '/api/v1/users/ann' })],
  ['POST /api/v1/users/{name}/disable', ONLY_ADMIN(200), async () => ({ path: '/api/v1/users/zoe/disable' })],
  ['POST /api/v1/users/{name}/enable', ONLY_ADMIN(200), async () => ({ path: '/api/v1/users/zoe/enable' })],
  ['POST /api/v1/users/{name}/password', ONLY_ADMIN(204), async () => ({ path: '/api/v1/users/zoe/password', json: { password: 'zoe-new-password' } })],
];

test('the table covers every operation of the document', () => {
  const ops = [];
  for (const [p, item] of Object.entries(JSON.parse(read(new URL('../../schema/openapi.json', import.meta.url))).paths)) {
    for (const m of Object.keys(item)) ops.push(`${m.toUpperCase()} ${p}`);
  }
  assert.deepEqual([...new Set(TABLE.map((r) => r[0]))].sort(), ops.sort());
});

for (const [route, want, setup, what] of TABLE) {
  test(`${route}${what ? ` (${what})` : ''}: ${WHO.map((w, i) => `${w} ${want[i]}`).join(', ')}`, async () => {
    const [method, template] = route.split(' ');
    const got = [];
    for (const who of WHO) {
      const user = who === 'anonymous' ? null : ROLE_USER[who];
      const o = setup ? await setup(user) : {};
      const token = user && !o.anonymous ? await login(server, user) : undefined;
      const res = check(await api(server, method, o.path || template, { token, json: o.json }), route);
      got.push(res.status);
    }
    assert.deepEqual(got, want, WHO.map((w, i) => `${w}: got ${got[i]}, want ${want[i]}`).join('; '));
  });
}
