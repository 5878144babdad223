import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { AppContext } from '../../src/context.js';
import type { OrganizationKind } from '../../src/db/schema.js';
import { declaredRoutes, type DeclaredRoute } from '../../src/features/identity/access.js';
import type { ResourceType } from '../../src/features/identity/resources.js';
import { ROLES_BY_KIND } from '../../src/features/identity/roles.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { buildDocument } from '../helpers/documents.js';
import { buildApplication } from '../helpers/applications.js';
import { buildOffering } from '../helpers/offerings.js';
import { buildSystem } from '../helpers/systems.js';
import { buildNoc } from '../helpers/nocs.js';
import {
  buildBreach,
  buildIncident,
  buildReportRequest,
  buildResponseAction,
  buildWebhookSubscription,
} from '../helpers/incidents.js';
import {
  buildApiToken,
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';

/**
 * For each kind of record a route can name, how to make one that belongs to an organization other
 * than the walker's. A new resource type fails to compile here until it has one; its routes are
 * then walked without further work.
 */
const FOREIGN_RECORD: Record<
  ResourceType,
  (ctx: AppContext, foreignOrganization: string) => Promise<string>
> = {
  organization: (_ctx, foreignOrganization) => Promise.resolve(foreignOrganization),
  user: async (ctx, foreignOrganization) =>
    (await buildUser(ctx, foreignOrganization, 'pse_staff')).id,
  api_token: async (ctx, foreignOrganization) =>
    (await buildApiToken(ctx, (await buildUser(ctx, foreignOrganization, 'pse_staff')).id)).id,
  document: (ctx, foreignOrganization) => buildDocument(ctx, foreignOrganization),
  offering: (ctx, foreignOrganization) => buildOffering(ctx, foreignOrganization),
  application: (ctx, foreignOrganization) => buildApplication(ctx, foreignOrganization),
  pse_system: (ctx, foreignOrganization) => buildSystem(ctx, foreignOrganization),
  noc: (ctx, foreignOrganization) => buildNoc(ctx, foreignOrganization),
  incident: (ctx, foreignOrganization) => buildIncident(ctx, foreignOrganization),
  report_request: (ctx, foreignOrganization) => buildReportRequest(ctx, foreignOrganization),
  response_action: (ctx, foreignOrganization) => buildResponseAction(ctx, foreignOrganization),
  breach: (ctx, foreignOrganization) => buildBreach(ctx, foreignOrganization),
  webhook_subscription: (ctx) => buildWebhookSubscription(ctx),
};

function fillPath(route: DeclaredRoute, recordId: string): string {
  return route.url.replace(/:([A-Za-z]+)/g, (_match, name: string) =>
    route.resource?.param === name ? recordId : 'x',
  );
}

function call(client: Client | null, app: TestApp['app'], route: DeclaredRoute, url: string) {
  if (route.method === 'GET') return client ? client.get(url) : app.inject({ method: 'GET', url });
  const method = route.method as 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  return client ? client.send(method, url, {}) : app.inject({ method, url, payload: {} });
}

describeEachDatabase('every route, every role: tenant separation and sign-in', (database) => {
  let t: TestApp;
  let routes: readonly DeclaredRoute[] = [];
  const walkers: {
    kind: OrganizationKind;
    role: string;
    client: Client;
    organizationId: string;
  }[] = [];
  let foreignOrganization = '';

  before(async () => {
    t = await createTestApp(database);
    await setUpOffice(t.ctx);
    routes = declaredRoutes(t.app);
    foreignOrganization = await buildOrganization(t.ctx, 'pse');
    for (const kind of ['csp', 'pse', 'audit_firm'] as const) {
      const organizationId = await buildOrganization(t.ctx, kind);
      for (const role of ROLES_BY_KIND[kind]) {
        const user = await buildUser(t.ctx, organizationId, role);
        walkers.push({ kind, role, organizationId, client: await signInAs(t.app, user.email) });
      }
    }
  });
  after(() => t.close());

  it('finds the routes to walk, each with an access rule', () => {
    assert.ok(routes.length >= 8, `only ${routes.length} routes declared`);
    assert.ok(
      routes.some((route) => route.resource),
      'some routes name a record',
    );
  });

  it('answers 401 without a session on every route that is not public', async () => {
    for (const route of routes.filter((r) => r.access.kind !== 'public')) {
      const response = await call(null, t.app, route, fillPath(route, 'x'));
      assert.equal(response.statusCode, 401, `${route.method} ${route.url}: ${response.body}`);
    }
  });

  it("answers 404 or 403, never the record, when a CSP, PSE or audit firm user names another organization's record", async () => {
    for (const route of routes.filter((r) => r.resource)) {
      const resource = route.resource;
      assert.ok(resource);
      const recordId = await FOREIGN_RECORD[resource.type](t.ctx, foreignOrganization);
      for (const walker of walkers) {
        const response = await call(walker.client, t.app, route, fillPath(route, recordId));
        const label = `${walker.role} ${route.method} ${route.url}`;
        assert.ok(
          [403, 404].includes(response.statusCode),
          `${label} answered ${response.statusCode}: ${response.body}`,
        );
        if (response.statusCode === 404)
          assert.equal(response.json<{ code: string }>().code, 'not_found', label);
      }
    }
  });

  it('refuses every change sent without the CSRF token', async () => {
    const walker = walkers[0];
    assert.ok(walker);
    for (const route of routes.filter((r) => r.method !== 'GET' && r.access.kind !== 'public')) {
      const response: LightMyRequestResponse = await t.app.inject({
        method: route.method as 'POST',
        url: fillPath(route, walker.organizationId),
        headers: { cookie: walker.client.cookie },
        payload: {},
      });
      assert.equal(response.statusCode, 403, `${route.method} ${route.url}`);
      assert.equal(response.json<{ code: string }>().code, 'csrf_token_invalid');
    }
  });
});
