// scale.mjs: three `permitdesk serve` processes on one PostgreSQL, driven
// by concurrent clients; run by tests/pg/with-postgres.sh (CTest pg/scale).
//
//   1. cases filed at once through all three servers: every number unique;
//   2. each case submitted twice at the same moment through two different
//      servers: exactly one 200, the other 409 invalid_transition;
//   3. every case accepted (which takes a receipt number) under load through
//      the three servers while one of them is killed with SIGKILL: every
//      acceptance answered 200 is in the database, receipt numbers are
//      unique, and nothing is half-written;
//   4. the audit trail holds one entry per acknowledged change, no more, no
//      less, and `permitdesk audit verify` passes on the database.
// Prints the figures (requests, wins, conflicts, acknowledged writes before
// the kill) on standard output.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PERMITDESK, PD_SRC, TODAY, api, login, addUser, read, ELIGIBLE } from '../api/helpers.mjs';

const BASE = process.env.PERMITDESK_TEST_PG;
const BIN = process.env.PD_PG_BIN;
if (!BASE || !BIN) throw new Error('run under tests/pg/with-postgres.sh');
const CASES = Number(process.env.PD_SCALE_CASES || 60);

// A database of its own.
const psql = (url, sql) => execFileSync(join(BIN, 'psql'), ['-X', '-qtA', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], { encoding: 'utf8' }).trim();
psql(BASE, 'CREATE DATABASE scale');
const DB = BASE.replace('/postgres?', '/scale?');
// PostgreSQL has no default audit key path: the servers share one key file.
process.env.PERMITDESK_AUDIT_KEY ??= join(mkdtempSync(join(tmpdir(), 'pd-scale-')), 'audit.key');

for (const [name, role] of Object.entries({ ann: 'applicant', olga: 'officer', ada: 'admin' })) addUser(DB, name, role);

async function serve() {
  const proc = spawn(PERMITDESK, ['serve', '--listen', '127.0.0.1:0', '--db', DB, '--threads', '4',
    '--policy', join(PD_SRC, 'policy')], {
    env: { ...process.env, PERMITDESK_TODAY: TODAY }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-100000); });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const first = await new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout }).once('line', resolve);
    exited.then((e) => reject(new Error(`serve exited ${JSON.stringify(e)}: ${stderr}`)));
  });
  const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first);
  assert.ok(m, first);
  return { url: m[1], proc, exited, get stderr() { return stderr; } };
}

const servers = [await serve(), await serve(), await serve()];
const T = { ann: await login(servers[0], 'ann'), olga: await login(servers[1], 'olga') };
const body = read(ELIGIBLE);

// 1. filing through all three at once
const filed = await Promise.all(Array.from({ length: CASES }, (_, i) =>
  api(servers[i % 3], 'POST', '/api/v1/cases', { token: T.ann, json: body })));
for (const r of filed) assert.equal(r.status, 201, r.text);
const ids = filed.map((r) => r.body.id);
const numbers = filed.map((r) => r.body.number);
assert.equal(new Set(numbers).size, CASES, 'case numbers unique');

// 2. two submits of one case at the same moment, through two servers
let wins = 0;
let conflicts = 0;
await Promise.all(ids.map(async (id, i) => {
  const [a, b] = await Promise.all([
    api(servers[i % 3], 'POST', `/api/v1/cases/${id}/actions/submit`, { token: T.ann }),
    api(servers[(i + 1) % 3], 'POST', `/api/v1/cases/${id}/actions/submit`, { token: T.ann }),
  ]);
  const st = [a.status, b.status].sort();
  assert.deepEqual(st, [200, 409], `case ${id}: ${a.text} / ${b.text}`);
  const lost = a.status === 409 ? a : b;
  assert.equal(lost.body.error.code, 'invalid_transition', lost.text);
  wins++;
  conflicts++;
}));

// 3. acceptances under load; the third server dies in the middle
const acked = new Set();
const victim = servers[2];
let sent = 0;
let failed = 0;
const killAfter = Math.floor(CASES / 3);
const clients = Array.from({ length: 8 }, async (_, c) => {
  for (let i = c; i < CASES; i += 8) {
    const target = servers[i % 3];
    sent++;
    if (sent === killAfter) victim.proc.kill('SIGKILL');
    try {
      const r = await api(target, 'POST', `/api/v1/cases/${ids[i]}/actions/accept`, { token: T.olga });
      if (r.status === 200) acked.add(ids[i]);
      else failed++;
    } catch {
      failed++; // the connection died with the server: not acknowledged
    }
  }
});
await Promise.all(clients);
assert.equal((await victim.exited).signal, 'SIGKILL');
assert.ok(acked.size > 0 && acked.size < CASES, `acknowledged ${acked.size} of ${CASES}`);

// Every acknowledged acceptance is in the database; receipts are unique.
const accepted = new Set(psql(DB, "SELECT id FROM cases WHERE state = 'accepted'").split('\n').filter(Boolean));
for (const id of acked) assert.ok(accepted.has(id), `acknowledged, yet not accepted: ${id}`);
const receipts = psql(DB, 'SELECT count(receipt_number), count(DISTINCT receipt_number) FROM cases');
assert.equal(receipts, `${accepted.size}|${accepted.size}`, 'receipt numbers unique');
// An acceptance the dying server committed without answering may be there too; one
// half-written is not: each accepted case has its one audit entry, and no other has.
const accepts = psql(DB, "SELECT count(*), count(DISTINCT case_id) FROM audit WHERE action = 'accept'");
assert.equal(accepts, `${accepted.size}|${accepted.size}`);

// The survivors retry what was lost and finish the work.
for (const [i, id] of ids.entries()) {
  if (accepted.has(id)) continue;
  const r = await api(servers[i % 2], 'POST', `/api/v1/cases/${id}/actions/accept`, { token: T.olga });
  assert.equal(r.status, 200, r.text);
}

// 4. the trail: 3 users, then per case one create, one submit, one accept
const entries = Number(psql(DB, 'SELECT count(*) FROM audit'));
assert.equal(entries, 3 + 3 * CASES, 'one audit entry per acknowledged change');
assert.equal(psql(DB, 'SELECT seq FROM audit_head'), String(entries));
const verify = execFileSync(PERMITDESK, ['audit', 'verify', '--db', DB], { encoding: 'utf8' });
console.log(verify.trim());

for (const s of servers.slice(0, 2)) {
  s.proc.kill('SIGTERM');
  assert.equal((await s.exited).code, 0, s.stderr);
}
console.log(`scale: 3 servers, ${CASES} cases filed at once (numbers unique); ` +
  `${2 * CASES} simultaneous submits: ${wins} won, ${conflicts} got 409; ` +
  `${CASES} acceptances with a server killed after ${killAfter} sent: ${acked.size} acknowledged, ` +
  `all in the database (${accepted.size} there), ${failed} not acknowledged; ` +
  `audit ${entries} entries, verified`);
