// check.test.mjs: POST /api/v1/check answers exactly what `permitdesk check`
// prints for the same case (the command line is the reference), for every
// golden case (tests/cases/**) and every example, and refuses the cases the
// command line refuses at the same place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { readFileSync } from 'node:fs';
import { startServer, api, check, pd, walk, PD_SRC } from './helpers.mjs';

const CASES = walk(join(PD_SRC, 'tests', 'cases'), (f) => f.endsWith('.json') && !f.endsWith('.expected.json'));
const EXAMPLES = walk(join(PD_SRC, 'examples'), (f) => f.endsWith('.json'));

let server;
before(async () => { server = await startServer({ users: false }); });
after(async () => {
  assert.equal(await server.stop(), 0, 'exit code after SIGTERM');
  server.cleanup();
});

// Runs fn over items, two at a time (the machine may be small and slow).
async function each(items, fn) {
  let i = 0;
  const worker = async () => { while (i < items.length) { const it = items[i++]; await fn(it); } };
  await Promise.all([worker(), worker()]);
}

// One comparison: the server's answer against the command line's.
async function same(file, query, cliArgs) {
  const name = relative(PD_SRC, file);
  const body = readFileSync(file);
  const [res, cli] = await Promise.all([
    api(server, 'POST', `/api/v1/check${query}`, { body, headers: { 'content-type': 'application/json' } }),
    pd(['check', ...cliArgs, file], { encoding: 'buffer' }),
  ]);
  check(res, 'POST /api/v1/check');
  if (cli.code === 0) {
    assert.equal(res.status, 200, `${name}${query}: ${res.text.slice(0, 400)}`);
    if (!res.buf.equals(cli.stdout)) {
      assert.equal(res.text, cli.stdout.toString('utf8'), `${name}${query}: bytes differ from permitdesk check`);
      assert.fail(`${name}${query}: bytes differ from permitdesk check`);
    }
  } else {
    // file:line:column: path: message
    assert.equal(cli.code, 65, `${name}: permitdesk check exited ${cli.code}: ${cli.stderr}`);
    assert.equal(res.status, 400, `${name}: the command line refuses it (${cli.stderr.trim()}); the server said ${res.status}`);
    assert.equal(res.body.error.code, 'invalid_case');
    const m = /:(\d+):(\d+): ([^:]+): (.*)$/m.exec(cli.stderr);
    assert.ok(m, `${name}: no location in ${cli.stderr}`);
    assert.equal(res.body.error.line, Number(m[1]), `${name}: line`);
    assert.equal(res.body.error.column, Number(m[2]), `${name}: column`);
    assert.equal(res.body.error.path, m[3], `${name}: path`);
    assert.ok(res.body.error.message.includes(m[4]) || m[4].includes(res.body.error.message),
      `${name}: message ${JSON.stringify(res.body.error.message)} vs ${JSON.stringify(m[4])}`);
  }
}

test(`every golden case (${CASES.length}) and example: the same bytes as permitdesk check`, async () => {
  assert.ok(CASES.length > 100, 'golden cases found');
  await each([...CASES, ...EXAMPLES], (f) => same(f, '', []));
});

test('?pretty=1 is --pretty; ?format=text is --format text; &lang= is --lang with text (every example and every 10th case)', async () => {
  const some = [...EXAMPLES, ...CASES.filter((_, i) => i % 10 === 0)];
  await each(some, async (f) => {
    await same(f, '?pretty=1', ['--pretty']);
    await same(f, '?format=text', ['--format', 'text']);
    await same(f, '?format=text&lang=en', ['--format', 'text', '--lang', 'en']);
    await same(f, '?format=text&lang=zh', ['--format', 'text', '--lang', 'zh']);
  });
});

test('?view=summary and trace are --view summary and trace; ?lang= is --lang with JSON (every example and every 10th case)', async () => {
  const some = [...EXAMPLES, ...CASES.filter((_, i) => i % 10 === 0)];
  await each(some, async (f) => {
    await same(f, '?view=summary', ['--view', 'summary']);
    await same(f, '?view=trace', ['--view', 'trace']);
    await same(f, '?lang=en', ['--lang', 'en']);
    await same(f, '?lang=zh', ['--lang', 'zh']);
    await same(f, '?view=summary&lang=zh&pretty=1', ['--view', 'summary', '--lang', 'zh', '--pretty']);
    await same(f, '?view=full&lang=en', ['--view', 'full', '--lang', 'en']);
  });
});

test('format=text is text/plain; charset=utf-8', async () => {
  const res = await api(server, 'POST', '/api/v1/check?format=text', {
    body: readFileSync(EXAMPLES[0]), headers: { 'content-type': 'application/json; charset=utf-8' },
  });
  check(res, 'POST /api/v1/check');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type').replace(/\s/g, '').toLowerCase(), 'text/plain;charset=utf-8');
});

test('bad query parameters of /check are 400 invalid_request', async () => {
  for (const q of ['?format=html', '?format=', '?lang=fr', '?pretty=yes', '?bogus=1', '?view=short', '?view=']) {
    const res = await api(server, 'POST', `/api/v1/check${q}`, { body: readFileSync(EXAMPLES[0]), headers: { 'content-type': 'application/json' } });
    check(res, 'POST /api/v1/check');
    assert.equal(res.status, 400, q);
    assert.equal(res.body.error.code, 'invalid_request', q);
  }
});
