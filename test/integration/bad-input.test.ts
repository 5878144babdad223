import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Type } from 'typebox';
import { access } from '../../src/features/identity/access.js';
import type { App } from '../../src/http/app.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';

interface ProblemBody {
  status: number;
  code: string;
  detail: string;
  errors?: { in: string; pointer: string; message: string }[];
}

/**
 * Probe routes that declare schemas the way feature routes do; bad input is refused by the shared
 * machinery (parsers, validator, error handler) before any handler runs.
 */
function addProbeRoutes(app: App): void {
  app.post(
    '/api/v1/probe',
    {
      config: { access: access.public },
      schema: {
        body: Type.Object(
          {
            name: Type.String({ minLength: 1 }),
            count: Type.Optional(Type.Integer({ minimum: 0 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ name: Type.String(), count: Type.Integer() }) },
      },
    },
    (request) => ({ name: request.body.name, count: request.body.count ?? 0 }),
  );
  app.get(
    '/api/v1/probe',
    {
      config: { access: access.public },
      schema: {
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        }),
      },
    },
    (request) => ({ limit: request.query.limit ?? 20 }),
  );
  app.get('/api/v1/probe/boom', { config: { access: access.public } }, () => {
    throw new Error('secret internal detail: connection string postgres://x:y@z');
  });
}

describeEachDatabase('bad input', (database) => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp(database, { env: { BODY_LIMIT: '2048' }, configure: addProbeRoutes });
  });
  after(() => t.close());

  async function post(
    payload: string,
    contentType?: string,
  ): Promise<{ status: number; type: string; body: ProblemBody }> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/probe',
      payload,
      headers: contentType ? { 'content-type': contentType } : {},
    });
    return {
      status: response.statusCode,
      type: String(response.headers['content-type']),
      body: response.json(),
    };
  }

  it('accepts a valid body (the probe itself works)', async () => {
    const { status, body } = await post('{"name":"x","count":2}', 'application/json');
    assert.equal(status, 200);
    assert.deepEqual(body, { name: 'x', count: 2 });
  });

  it('refuses malformed JSON with 400 malformed_json', async () => {
    const { status, type, body } = await post('{"name": "x",', 'application/json');
    assert.equal(status, 400);
    assert.match(type, /^application\/problem\+json/);
    assert.equal(body.code, 'malformed_json');
    assert.match(body.detail, /^The request body is not valid JSON: .+\.$/);
  });

  it('refuses a prototype-poisoning key instead of parsing it', async () => {
    const { status, body } = await post(
      '{"name":"x","__proto__":{"admin":true}}',
      'application/json',
    );
    assert.equal(status, 400);
    assert.equal(body.code, 'malformed_json');
    assert.match(body.detail, /forbidden prototype property/);
  });

  it('refuses an empty JSON body with 400 empty_body', async () => {
    const { status, body } = await post('', 'application/json');
    assert.equal(status, 400);
    assert.equal(body.code, 'empty_body');
  });

  it('refuses a wrong content type with 415, quoting it', async () => {
    for (const contentType of [
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
    ]) {
      const { status, body } = await post('name=x', contentType);
      assert.equal(status, 415, contentType);
      assert.equal(body.code, 'unsupported_media_type');
      assert.ok(body.detail.includes(contentType), body.detail);
    }
  });

  it('refuses unknown fields, naming each one', async () => {
    const { status, body } = await post('{"name":"x","colour":"red","size":3}', 'application/json');
    assert.equal(status, 400);
    assert.equal(body.code, 'validation_failed');
    assert.deepEqual(
      body.errors?.map((error) => [error.in, error.pointer, error.message]),
      [
        ['body', '/colour', 'unknown field "colour"'],
        ['body', '/size', 'unknown field "size"'],
      ],
    );
    assert.match(body.detail, /unknown field "colour"/);
  });

  it('refuses wrong types and missing fields in a body without coercing, quoting the value', async () => {
    const wrongType = await post('{"name":"x","count":"5"}', 'application/json');
    assert.equal(wrongType.status, 400);
    assert.deepEqual(wrongType.body.errors, [
      { in: 'body', pointer: '/count', message: 'must be integer (got "5")' },
    ]);
    const missing = await post('{}', 'application/json');
    assert.deepEqual(missing.body.errors, [
      { in: 'body', pointer: '/name', message: 'required field "name" is missing' },
    ]);
    const notAnObject = await post('[1,2]', 'application/json');
    assert.equal(notAnObject.status, 400);
    assert.equal(notAnObject.body.code, 'validation_failed');
  });

  it('refuses a body over the configured limit with 413', async () => {
    const { status, body } = await post(
      JSON.stringify({ name: 'x'.repeat(4096) }),
      'application/json',
    );
    assert.equal(status, 413);
    assert.equal(body.code, 'body_too_large');
    assert.match(body.detail, /limit of 2048 bytes/);
  });

  it('refuses a wrong type in a query parameter, naming the parameter and the value', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/probe?limit=lots' });
    assert.equal(response.statusCode, 400);
    const body = response.json<ProblemBody>();
    assert.equal(body.code, 'validation_failed');
    assert.deepEqual(body.errors, [
      { in: 'querystring', pointer: '/limit', message: 'must be integer (got "lots")' },
    ]);
    assert.match(body.detail, /query parameter "limit" must be integer \(got "lots"\)/);
    const ok = await t.app.inject({ method: 'GET', url: '/api/v1/probe?limit=5' });
    assert.deepEqual(ok.json(), { limit: 5 });
    const outOfRange = await t.app.inject({ method: 'GET', url: '/api/v1/probe?limit=500' });
    assert.match(outOfRange.json<ProblemBody>().detail, /must be <= 100/);
  });

  it('answers an unexpected failure with a 500 that echoes no internals', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/probe/boom' });
    assert.equal(response.statusCode, 500);
    const body = response.json<ProblemBody>();
    assert.equal(body.code, 'internal_error');
    assert.ok(!response.body.includes('secret'), response.body);
    assert.ok(!response.body.includes('postgres://'), response.body);
    assert.match(body.detail, /Quote request id/);
  });

  it('keeps serving after all of the above', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(response.statusCode, 200);
  });
});
