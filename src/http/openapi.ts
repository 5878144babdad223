import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { APP_NAME, APP_VERSION } from '../version.js';
import type { App } from './app.js';
import { ProblemRef } from './schemas.js';

/**
 * The OpenAPI 3.1 document is generated from the schemas every route declares, so it cannot drift
 * from what the server validates. Served at /api/openapi.json, readable at /api/docs.
 */
export async function registerOpenApi(app: App): Promise<void> {
  // Every documented route answers errors as problem+json; say so once here, not in every route.
  app.addHook('onRoute', (route) => {
    if (route.schema?.hide === true || !route.url.startsWith('/')) return;
    const response = (route.schema?.response ?? {}) as Record<string, unknown>;
    if (route.schema && !('4XX' in response)) {
      const problem = {
        description: 'An RFC 9457 problem document naming what was wrong.',
        content: { 'application/problem+json': { schema: ProblemRef } },
      };
      route.schema.response = { ...response, '4XX': problem, '5XX': problem };
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `${APP_NAME} API`,
        version: APP_VERSION,
        description:
          'The REST API of Cloud Office. Application routes live under /api/v1. Every error is an ' +
          'RFC 9457 problem document (application/problem+json) with a stable `code`.',
      },
      tags: [
        { name: 'system', description: 'Health, readiness and information about this server' },
        { name: 'auth', description: 'Sign-in, sessions and the TOTP second factor' },
        {
          name: 'api-tokens',
          description: 'Personal API tokens for automation: send as Authorization: Bearer',
        },
        {
          name: 'catalogs',
          description: 'The library of OSCAL control catalogs: import, browse, search, controls',
        },
        {
          name: 'security levels',
          description:
            'The four security levels: published versions (public), OSCAL downloads, diffs, and the draft workflow',
        },
        {
          name: 'documents',
          description:
            'Files an organization uploads (certificates, contracts, evidence): SHA-256, size limit, type checked by content',
        },
        {
          name: 'offerings',
          description:
            'Cloud service offerings: service and deployment model, data centres, certifications, contacts',
        },
        {
          name: 'accreditation',
          description:
            'Accreditation applications: control responses, submission, completeness review, status history',
        },
        {
          name: 'register',
          description:
            'The public register of accredited offerings (no sign-in): filters, CSV, status history, OSCAL responsibility matrix',
        },
        {
          name: 'policy pack',
          description:
            'Data classes, placement rules and NOC rules as versioned data: the published pack (public) and the draft workflow',
        },
        {
          name: 'systems',
          description:
            "PSE systems: owner, users, where they run and are proposed to run, and their classification by the policy's questionnaire",
        },
        {
          name: 'placement',
          description:
            'Placement decisions with their reasons and clauses, "where can this system go?", systems out of policy and re-evaluation',
        },
        {
          name: 'nocs',
          description:
            'NOC exemptions: a PSE asks for a time-bound exemption for a system, the Director Cloud Adoption reviews, the DG Cloud decides; expiry the day after the last day',
        },
        {
          name: 'incidents',
          description:
            'Data-breach reports from CSPs and PSEs (discovery and report times, delay, late flag), updates and the final report, the lifecycle from reported to closed with its timeline, the dashboard and exports',
        },
        {
          name: 'report requests',
          description:
            'Incident-report requests: an officer asks an organization questions with a due date, the organization answers with evidence; overdue requests escalate along the ladder in policy',
        },
        {
          name: 'response actions',
          description:
            'Response measures ordered of an organization with an owner and a due date; progress and evidence; verification and closing (a verified suspension goes through the accreditation workflow)',
        },
        {
          name: 'breaches',
          description:
            'Breaches of duty: opened once per failure by the scheduled duty check, or recorded by hand; the obligations in force',
        },
        {
          name: 'webhooks',
          description:
            'Signed event deliveries (Standard Webhooks) to subscribers, and every outbox delivery (e-mail and webhooks) with its failures, for administrators',
        },
      ],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === 'string' ? json.$id : `schema${index}`,
    },
  });

  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
    staticCSP: false,
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
