// openapi.test.mjs: schema/openapi.json is a valid OpenAPI 3.1 document with
// the JSON Schemas it refers to, documents the errors every route can give,
// and is what the server serves, byte for byte.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { OPENAPI, SCHEMA_DIR, startServer, api, check } from './helpers.mjs';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const operations = () => Object.entries(OPENAPI.paths).flatMap(([p, item]) =>
  Object.entries(item).filter(([m]) => METHODS.includes(m)).map(([m, o]) => ({ path: p, method: m, op: o })));

async function validate(doc) {
  const v = new Validator();
  for (const name of ['case.schema.json', 'result.schema.json']) {
    await v.addSpecRef(JSON.parse(readFileSync(join(SCHEMA_DIR, name), 'utf8')), name);
  }
  return v.validate(doc);
}

test('openapi.json is a valid OpenAPI 3.1 document, with case.schema.json and result.schema.json', async () => {
  assert.equal(OPENAPI.openapi.slice(0, 4), '3.1.');
  const r = await validate(structuredClone(OPENAPI));
  assert.ok(r.valid, JSON.stringify(r.errors, null, 1));
});

test('the validator does refuse a broken document', async () => {
  const broken = structuredClone(OPENAPI);
  broken.paths['/api/v1/health'].get.responses = 'none';
  const r = await validate(broken);
  assert.equal(r.valid, false);
});

test('every operation documents 500 and 503; every operation needing a session 401; every body 413 and 415', () => {
  for (const { path, method, op } of operations()) {
    const where = `${method.toUpperCase()} ${path}`;
    assert.ok(op.operationId, `${where}: operationId`);
    for (const s of ['500', '503']) assert.ok(op.responses[s], `${where}: ${s}`);
    const secured = (op.security ?? OPENAPI.security).length > 0;
    if (secured) assert.ok(op.responses['401'], `${where}: 401`);
    if (op.requestBody) {
      for (const s of ['413', '415', '408']) assert.ok(op.responses[s], `${where}: ${s}`);
      assert.ok(op.responses['400'], `${where}: 400`);
    }
    if (secured && (method === 'post' || method === 'delete')) assert.ok(op.responses['403'], `${where}: 403 (cookie without Origin)`);
  }
});

test('the relative $refs name files that exist beside the document', () => {
  const refs = new Set();
  JSON.stringify(OPENAPI, (k, v) => { if (k === '$ref' && !v.startsWith('#')) refs.add(v.split('#')[0]); return v; });
  assert.deepEqual([...refs].sort(), ['case.schema.json', 'result.schema.json']);
  for (const f of refs) JSON.parse(readFileSync(join(SCHEMA_DIR, f), 'utf8'));
});

describe('served by permitdesk serve', () => {
  let server;
  before(async () => { server = await startServer({ users: false }); });
  after(async () => {
    assert.equal(await server.stop(), 0, 'exit code after SIGTERM');
    server.cleanup();
  });

  for (const name of ['openapi.json', 'case.schema.json', 'result.schema.json']) {
    test(`GET /api/v1/${name} serves schema/${name} as is`, async () => {
      const res = check(await api(server, 'GET', `/api/v1/${name}`));
      assert.equal(res.status, 200);
      assert.ok(res.buf.equals(readFileSync(join(SCHEMA_DIR, name))), `served ${name} differs from the file`);
    });
  }
});
