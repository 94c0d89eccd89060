// public.test.mjs: the routes that need no session: health, metrics, facts,
// calendar, policy views; their answers and their errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, check, pd, read, EXAMPLE } from './helpers.mjs';

let server;
before(async () => { server = await startServer({ users: false }); });
after(async () => {
  assert.equal(await server.stop(), 0, 'exit code after SIGTERM');
  server.cleanup();
});

const get = async (path) => check(await api(server, 'GET', path));

test('GET /api/v1/health', async () => {
  const res = await get('/api/v1/health');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { status: 'ok', store: 'sqlite' });
});

test('GET /api/v1/facts: every fact, with labelled words', async () => {
  const res = await get('/api/v1/facts');
  assert.equal(res.status, 200);
  const byPath = Object.fromEntries(res.body.facts.map((f) => [f.path, f]));
  for (const p of ['jurisdiction', 'date', 'application.visa_type', 'applicant.birth_date']) assert.ok(byPath[p], p);
  const visa = byPath['application.visa_type'];
  assert.ok(visa.values.some((v) => v.value === 'Q2' && v.en && v.zh), JSON.stringify(visa.values));
  assert.equal(new Set(res.body.facts.map((f) => f.path)).size, res.body.facts.length, 'paths are unique');
  // The same list as the command line's.
  const cli = await pd(['facts']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(res.body, JSON.parse(cli.stdout));
});

test('GET /api/v1/calendar/add: over National Day, as the command line counts', async () => {
  const res = await get('/api/v1/calendar/add?date=2026-09-28&n=7');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { from: '2026-09-28', n: 7, date: '2026-10-13', provisional: false });
  const cli = await pd(['calendar', 'add', '2026-09-28', '7']);
  assert.equal(cli.stdout.trim(), res.body.date);
});

test('GET /api/v1/calendar/workday: a make-up Saturday, a holiday, a plain Sunday', async () => {
  for (const [d, w] of [['2026-10-10', true], ['2026-10-01', false], ['2026-11-22', false], ['2026-11-23', true]]) {
    const res = await get(`/api/v1/calendar/workday?date=${d}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { date: d, workday: w, provisional: false }, d);
  }
});

test('calendar: a year past the official calendar is provisional', async () => {
  const pol = (await get('/api/v1/policy')).body;
  const y = pol.calendar.last_year + 1;
  const res = await get(`/api/v1/calendar/workday?date=${y}-03-02`);
  assert.equal(res.status, 200);
  assert.equal(res.body.provisional, true);
  const add = await get(`/api/v1/calendar/add?date=${pol.calendar.last_year}-12-30&n=5`);
  assert.equal(add.status, 200);
  assert.equal(add.body.provisional, true);
});

test('calendar: bad or missing parameters are 400 invalid_request', async () => {
  for (const q of ['/api/v1/calendar/add?date=2026-09-28', '/api/v1/calendar/add?n=3',
    '/api/v1/calendar/add?date=2026-13-01&n=3', '/api/v1/calendar/add?date=2026-09-28&n=three',
    '/api/v1/calendar/add?date=2026-09-28&n=3x', '/api/v1/calendar/add?date=28.09.2026&n=3',
    '/api/v1/calendar/workday', '/api/v1/calendar/workday?date=2026-02-30',
    '/api/v1/calendar/workday?date=', '/api/v1/calendar/workday?date=2026-09-28&bogus=1']) {
    const res = await get(q);
    assert.equal(res.status, 400, q);
    assert.equal(res.body.error.code, 'invalid_request', q);
  }
});

test('GET /api/v1/policy: every pack, with the version a check reports', async () => {
  const res = await get('/api/v1/policy');
  assert.equal(res.status, 200);
  const ids = res.body.packs.map((p) => p.id).sort();
  assert.deepEqual(ids, ['national', 'national-2004', 'shenzhen', 'tianjin', 'zhejiang']);
  const zj = res.body.packs.find((p) => p.id === 'zhejiang');
  const result = JSON.parse((await pd(['check', EXAMPLE])).stdout);
  assert.equal(zj.version, result.policy.version);
  assert.equal(zj.extends, 'national');
  assert.ok(res.body.calendar.first_year <= 2026 && res.body.calendar.last_year >= 2026);
});

test('GET /api/v1/policy/{pack}/rules|conflicts|clauses for every pack', async () => {
  const packs = (await get('/api/v1/policy')).body.packs;
  for (const p of packs) {
    const rules = await get(`/api/v1/policy/${p.id}/rules`);
    assert.equal(rules.status, 200, p.id);
    assert.equal(rules.body.pack, p.id);
    assert.equal(rules.body.version, p.version);
    assert.equal(rules.body.rules.length, p.rules, `${p.id}: as many rules as /policy says`);
    const conflicts = await get(`/api/v1/policy/${p.id}/conflicts`);
    assert.equal(conflicts.status, 200, p.id);
    assert.equal(conflicts.body.pack, p.id);
    const clauses = await get(`/api/v1/policy/${p.id}/clauses`);
    assert.equal(clauses.status, 200, p.id);
    assert.equal(clauses.body.pack, p.id);
    // Every rule id a clause names is a rule of the pack.
    const ruleIds = new Set(rules.body.rules.map((r) => r.id));
    for (const c of clauses.body.clauses) for (const r of c.rules) assert.ok(ruleIds.has(r), `${p.id}: clause ${c.clause} names ${r}`);
  }
  const nat = await get('/api/v1/policy/national/conflicts');
  assert.ok(nat.body.conflicts.some((c) => c.id === 'kinship-scope'), 'national conflicts include kinship-scope');
});

test('GET /api/v1/offices: every pack, one pack, the same offices a result carries', async () => {
  const all = await get('/api/v1/offices');
  assert.equal(all.status, 200);
  const packs = (await get('/api/v1/policy')).body.packs.map((p) => p.id).sort();
  assert.deepEqual(all.body.packs.map((p) => p.pack).sort(), packs);
  const sz = await get('/api/v1/offices?pack=shenzhen');
  assert.equal(sz.status, 200);
  assert.equal(sz.body.packs.length, 1);
  assert.ok(sz.body.packs[0].offices.length >= 1);
  for (const o of sz.body.packs[0].offices) assert.ok(o.source, `${o.id} cites its source`);
  // A Zhejiang result names the offices the Zhejiang pack lists.
  const result = JSON.parse((await pd(['check', EXAMPLE])).stdout);
  const zj = (await get('/api/v1/offices?pack=zhejiang')).body.packs[0].offices;
  assert.deepEqual(result.offices, zj);
  assert.equal((await get('/api/v1/offices?pack=atlantis')).status, 404);
  assert.equal((await get('/api/v1/offices?city=shenzhen')).status, 400);
});

test('policy views of an unknown pack are 404 not_found', async () => {
  for (const v of ['rules', 'conflicts', 'clauses']) {
    for (const p of ['hangzhou', 'NATIONAL', '..', 'national%2F..']) {
      const res = await get(`/api/v1/policy/${p}/${v}`);
      assert.equal(res.status, 404, `${p}/${v}`);
      assert.equal(res.body.error.code, 'not_found');
    }
  }
});

test('GET /metrics: Prometheus text with every documented family', async () => {
  await get('/api/v1/health');
  await get('/api/v1/policy/national/rules');
  const ex = await api(server, 'POST', '/api/v1/check', { json: read(EXAMPLE) });
  check(ex);
  const res = await api(server, 'GET', '/metrics');
  check(res, 'GET /metrics');
  assert.equal(res.status, 200);
  const text = res.text;
  const families = {
    permitdesk_http_requests_total: 'counter',
    permitdesk_http_request_duration_seconds: 'histogram',
    permitdesk_http_requests_in_flight: 'gauge',
    permitdesk_checks_total: 'counter',
    permitdesk_cases: 'gauge',
    permitdesk_cases_overdue: 'gauge',
    permitdesk_policy_info: 'gauge',
    permitdesk_policy_loaded_timestamp_seconds: 'gauge',
    permitdesk_calendar_last_year: 'gauge',
    permitdesk_build_info: 'gauge',
  };
  for (const [name, type] of Object.entries(families)) {
    assert.match(text, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), `# TYPE ${name} ${type}`);
  }
  // Samples: name{labels} value, one per line.
  const samples = text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const m = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/i.exec(l);
    assert.ok(m, `not a sample line: ${l}`);
    const labels = {};
    if (m[2]) for (const kv of m[2].match(/[a-z_]+="(?:[^"\\]|\\.)*"/gi)) {
      const i = kv.indexOf('=');
      labels[kv.slice(0, i)] = JSON.parse(kv.slice(i + 1));
    }
    assert.ok(!Number.isNaN(Number(m[3])) || ['+Inf', '-Inf', 'NaN'].includes(m[3]), l);
    return { name: m[1], labels, value: Number(m[3]) };
  });
  const find = (name, want) => samples.filter((s) => s.name === name &&
    Object.entries(want).every(([k, v]) => s.labels[k] === v));
  const health = find('permitdesk_http_requests_total', { route: '/api/v1/health', method: 'GET', status: '200' });
  assert.equal(health.length, 1, 'one counter for GET /api/v1/health 200');
  assert.ok(health[0].value >= 2);
  // Routes are labelled by template, never by the concrete path.
  assert.equal(find('permitdesk_http_requests_total', { route: '/api/v1/policy/{pack}/rules', method: 'GET', status: '200' }).length, 1);
  assert.ok(!samples.some((s) => s.labels.route && /national\/rules/.test(s.labels.route)), 'a concrete path as a label');
  assert.ok(find('permitdesk_http_request_duration_seconds_bucket', { route: '/api/v1/health', le: '+Inf' }).length === 1);
  assert.ok(find('permitdesk_http_request_duration_seconds_count', { route: '/api/v1/health' }).length === 1);
  assert.ok(find('permitdesk_checks_total', { verdict: 'incomplete' })[0]?.value >= 1, 'checks by verdict');
  const packs = (await get('/api/v1/policy')).body;
  for (const p of packs.packs) {
    assert.equal(find('permitdesk_policy_info', { pack: p.id, version: p.version }).length, 1, `policy_info ${p.id}`);
  }
  assert.equal(find('permitdesk_calendar_last_year', {})[0].value, packs.calendar.last_year);
  for (const s of ['draft', 'submitted', 'in_review', 'collected']) {
    assert.equal(find('permitdesk_cases', { state: s }).length, 1, `permitdesk_cases{state="${s}"}`);
  }
  assert.equal(find('permitdesk_build_info', {}).length, 1);
  assert.ok(find('permitdesk_policy_loaded_timestamp_seconds', {})[0].value > 1.7e9);
});
