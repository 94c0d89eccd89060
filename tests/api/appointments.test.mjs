// Counter appointments over real sockets: the slots of an office on the
// official calendar, booking without a login (reference + passport number),
// a full slot, a holiday, moving, cancelling, and the officer's day view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, check, loginAll, read, EXAMPLE } from './helpers.mjs';

const OFFICE = 'tianjin-exit-entry-service-center';
let server;
let T;
before(async () => {
  server = await startServer();
  T = await loginAll(server);
});
after(async () => { await server.stop(); });

const call = async (method, path, o) => check(await api(server, method, path, o));
const book = (json) => call('POST', '/api/v1/appointments', { json: { office: OFFICE, ...json } });

test('slots: working days only, within the hours, with free places', async () => {
  // today is 2026-11-20 (Friday): 21 and 22 are a weekend
  const res = await call('GET', `/api/v1/offices/${OFFICE}/slots?from=2026-11-20&to=2026-11-23`);
  assert.equal(res.status, 200);
  const days = new Set(res.body.slots.map((s) => s.date));
  assert.deepEqual([...days], ['2026-11-23']);
  assert.equal(res.body.slots.length, 16);
  assert.equal(res.body.slots[0].time, '09:00');
  assert.equal(res.body.slots.at(-1).end, '17:00');
  assert.ok(res.body.slots.every((s) => s.free === res.body.capacity));
  assert.equal((await call('GET', '/api/v1/offices/nowhere/slots')).status, 404);
  const none = await call('GET', '/api/v1/offices/shenzhen-exit-entry-department/slots');
  assert.equal(none.status, 409);
  assert.match(none.body.error.message, /gives no opening hours/);
  assert.equal((await call('GET', `/api/v1/offices/${OFFICE}/slots?from=2026-13-01`)).status, 400);
});

test('offices that take appointments: those whose source gives the hours', async () => {
  const all = (await call('GET', '/api/v1/offices')).body.packs.flatMap((p) => p.offices);
  const res = await call('GET', '/api/v1/offices?appointments=true');
  assert.equal(res.status, 200);
  const ids = res.body.packs.flatMap((p) => p.offices.map((o) => o.id));
  assert.ok(ids.includes(OFFICE));
  assert.ok(!ids.includes('shenzhen-exit-entry-department'));
  assert.deepEqual(ids, all.filter((o) => o.hours?.open && o.hours?.close).map((o) => o.id));
  for (const id of ids) assert.equal((await call('GET', `/api/v1/offices/${id}/slots`)).status, 200, id);
  const one = await call('GET', '/api/v1/offices?pack=shenzhen&appointments=true');
  assert.deepEqual(one.body.packs.map((p) => [p.pack, p.offices.length]), [['shenzhen', 0]]);
  assert.equal((await call('GET', '/api/v1/offices?appointments=maybe')).status, 400);
});

test('book with the pre-check answers, read, move, cancel', async () => {
  const answers = JSON.parse(read(EXAMPLE));
  let r = await book({ date: '2026-11-24', time: '10:00', passport: 'L898902C3', name: 'Anna Maria Eriksson', answers });
  assert.equal(r.status, 201);
  const ref = r.body.reference;
  assert.equal(r.body.answers, true);
  assert.ok(r.body.bring.length > 0);
  assert.ok(r.body.bring.every((m) => m.text.en && m.text.zh && m.status));
  assert.equal(r.body.passport_number, undefined);
  // a wrong passport number and an unknown reference answer alike
  const wrong = await call('GET', `/api/v1/appointments/${ref}?passport=X0000000`);
  const unknown = await call('GET', '/api/v1/appointments/AAAAA-AAAAA?passport=L898902C3');
  assert.equal(wrong.status, 404);
  assert.deepEqual(wrong.body, unknown.body);
  r = await call('GET', `/api/v1/appointments/${ref.toLowerCase()}?passport=l898902c3`);
  assert.equal(r.status, 200);
  assert.equal(r.body.time, '10:00');
  // moved to a Sunday: refused; to a free slot: moved
  r = await call('PATCH', `/api/v1/appointments/${ref}`, { json: { passport: 'L898902C3', date: '2026-11-29', time: '10:00' } });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.path, 'date');
  r = await call('PATCH', `/api/v1/appointments/${ref}`, { json: { passport: 'L898902C3', date: '2026-11-25', time: '14:30' } });
  assert.equal(r.status, 200);
  assert.equal(r.body.date, '2026-11-25');
  assert.equal(r.body.time, '14:30');
  // the officer sees it with its checklist; an applicant may not look
  const day = await call('GET', `/api/v1/offices/${OFFICE}/appointments?date=2026-11-25`, { token: T.olga });
  assert.equal(day.status, 200);
  assert.equal(day.body.count, 1);
  assert.equal(day.body.appointments[0].passport_number, 'L898902C3');
  assert.equal(day.body.appointments[0].verdict, 'incomplete');
  assert.equal((await call('GET', `/api/v1/offices/${OFFICE}/appointments?date=2026-11-25`, { token: T.ann })).status, 403);
  assert.equal((await call('GET', `/api/v1/offices/${OFFICE}/appointments?date=2026-11-25`)).status, 401);
  r = await call('DELETE', `/api/v1/appointments/${ref}?passport=L898902C3`);
  assert.equal(r.status, 200);
  assert.equal(r.body.state, 'cancelled');
  assert.equal((await call('DELETE', `/api/v1/appointments/${ref}?passport=L898902C3`)).status, 409);
  const after_ = await call('GET', `/api/v1/offices/${OFFICE}/appointments?date=2026-11-25`, { token: T.olga });
  assert.equal(after_.body.count, 0);
});

test('bad bookings: a weekend, too far ahead, outside the hours, the past, a full slot, bad answers', async () => {
  let r = await book({ date: '2026-11-22', time: '10:00', passport: 'P1' });
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /a weekend day that is not a make-up working day/);
  r = await book({ date: '2027-01-01', time: '10:00', passport: 'P1' });
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /too far ahead/);
  r = await book({ date: '2026-11-23', time: '17:00', passport: 'P1' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.path, 'time');
  r = await book({ date: '2026-11-19', time: '10:00', passport: 'P1' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.path, 'date');
  r = await book({ date: '2026-11-23', time: '10:00', passport: 'P1', answers: { jurisdiction: 'atlantis' } });
  assert.equal(r.status, 400);
  const slots = await call('GET', `/api/v1/offices/${OFFICE}/slots?from=2026-11-26&to=2026-11-26`);
  for (let i = 0; i < slots.body.capacity; i++) {
    assert.equal((await book({ date: '2026-11-26', time: '09:00', passport: `F${i}` })).status, 201);
  }
  r = await book({ date: '2026-11-26', time: '09:00', passport: 'LATE' });
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, /is full/);
  const again = await call('GET', `/api/v1/offices/${OFFICE}/slots?from=2026-11-26&to=2026-11-26`);
  assert.equal(again.body.slots[0].free, 0);
  assert.equal(again.body.slots[1].free, again.body.capacity);
});
