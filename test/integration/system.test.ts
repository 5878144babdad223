import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';

describeEachDatabase('system routes', (database) => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp(database);
  });
  after(() => t.close());

  it('answers /healthz while the process runs', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
  });

  it('answers /readyz when the database answers and migrations are current', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ready', database: 'up', migrations: 'current' });
  });

  it('keeps one installation id across restarts of the app on the same database', async () => {
    const first = (await t.app.inject({ method: 'GET', url: '/api/v1/about' })).json<{
      installationId: string;
    }>();
    const again = await createTestApp(database);
    try {
      const second = (await again.app.inject({ method: 'GET', url: '/api/v1/about' })).json<{
        installationId: string;
        name: string;
        apiVersion: string;
      }>();
      assert.match(first.installationId, /^[0-9a-f-]{36}$/);
      assert.equal(second.installationId, first.installationId);
      assert.equal(second.name, 'Cloud Office');
      assert.equal(second.apiVersion, 'v1');
    } finally {
      await again.close();
    }
  });

  it('sets the same security headers on every answer, errors included', async () => {
    const expected = {
      'content-security-policy':
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';" +
        "frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';" +
        "script-src-attr 'none';style-src 'self' 'unsafe-inline';connect-src 'self'",
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    };
    for (const url of ['/healthz', '/api/v1/about', '/api/v1/missing', '/api/openapi.json']) {
      const { headers } = await t.app.inject({ method: 'GET', url });
      for (const [name, value] of Object.entries(expected))
        assert.equal(headers[name], value, `${name} on ${url}`);
      assert.equal(headers['x-powered-by'], undefined);
    }
  });

  it('echoes a plain x-request-id and replaces one that is not plain', async () => {
    const kept = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'trace-123' },
    });
    assert.equal(kept.headers['x-request-id'], 'trace-123');
    const replaced = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id <script>' },
    });
    assert.match(String(replaced.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('answers an unknown API route with a 404 problem that names the route', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: '/api/v1/nothing-here?x=1' });
    assert.equal(response.statusCode, 404);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    const problem = response.json<Record<string, unknown>>();
    assert.equal(problem.code, 'route_not_found');
    assert.equal(problem.status, 404);
    assert.equal(problem.detail, 'There is no route DELETE /api/v1/nothing-here.');
    assert.equal(problem.instance, '/api/v1/nothing-here');
    assert.equal(problem.requestId, response.headers['x-request-id']);
  });

  it('serves an OpenAPI 3.1 document describing every application route, with problem answers', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(response.statusCode, 200);
    const document = response.json<{
      openapi: string;
      paths: Record<
        string,
        { get?: { responses: Record<string, { content?: Record<string, unknown> }> } }
      >;
      components: { schemas: Record<string, unknown> };
    }>();
    assert.equal(document.openapi, '3.1.0');
    for (const path of ['/healthz', '/readyz', '/api/v1/about']) {
      const operation = document.paths[path]?.get;
      assert.ok(operation, `${path} is documented`);
      const problem = operation.responses['4XX'];
      assert.ok(
        problem?.content?.['application/problem+json'],
        `${path} documents its problem answers`,
      );
    }
    assert.ok(document.components.schemas.Problem);
    assert.ok(
      !Object.keys(document.paths).some((path) => path.startsWith('/api/docs')),
      'docs UI is hidden',
    );
  });

  it('serves a readable API docs page', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/docs' });
    const page =
      response.statusCode === 302
        ? await t.app.inject({ method: 'GET', url: '/api/docs/' })
        : response;
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /swagger/i);
  });
});
