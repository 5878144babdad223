import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { access, actorOf } from '../identity/access.js';
import { auditActor } from '../identity/actor.js';
import { recordAuditEvent } from './repo.js';
import {
  listAuditEvents,
  parseAuditFilter,
  verifyAuditTrail,
  writeAuditEventsCsv,
} from './service.js';

const Filter = {
  from: Type.Optional(Type.String({ description: 'ISO-8601 date or date-time, inclusive' })),
  to: Type.Optional(Type.String({ description: 'ISO-8601 date or date-time, exclusive' })),
  actorUserId: Type.Optional(Type.String()),
  actorOrganizationId: Type.Optional(Type.String()),
  action: Type.Optional(
    Type.String({ description: 'An action, or a dotted prefix such as `organization`' }),
  ),
  targetType: Type.Optional(Type.String()),
  targetId: Type.Optional(Type.String()),
  outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('denied')])),
};

const Nullable = (schema: ReturnType<typeof Type.String>) => Type.Union([schema, Type.Null()]);
const Event = Type.Object({
  seq: Type.Integer(),
  id: Type.String(),
  occurredAt: Type.String(),
  actor: Type.Object({
    userId: Nullable(Type.String()),
    email: Nullable(Type.String()),
    organizationId: Nullable(Type.String()),
    position: Nullable(Type.String()),
  }),
  action: Type.String(),
  outcome: Type.Union([Type.Literal('success'), Type.Literal('denied')]),
  target: Type.Union([
    Type.Object({ type: Type.String(), id: Nullable(Type.String()) }),
    Type.Null(),
  ]),
  summary: Type.Object({}, { additionalProperties: true }),
  requestId: Nullable(Type.String()),
  prevHash: Type.String(),
  hash: Type.String(),
});

const readers = access.signedIn({ organizationKinds: ['cloud_office'], power: 'view_audit_trail' });

/** Officers with the view_audit_trail power browse, export and verify the trail. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/api/v1/audit-events',
    {
      config: { access: readers },
      schema: {
        tags: ['audit'],
        summary: 'Browse the audit trail, newest first',
        querystring: Type.Object({
          ...Filter,
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          cursor: Type.Optional(Type.String({ description: 'nextCursor from the previous page' })),
        }),
        response: {
          200: Type.Object({
            events: Type.Array(Event),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const { limit, cursor, ...query } = request.query;
      return listAuditEvents(ctx.db, query, { limit, cursor: cursor ?? null });
    },
  );

  app.get(
    '/api/v1/audit-events.csv',
    {
      config: { access: readers },
      schema: {
        tags: ['audit'],
        summary:
          'Export the audit trail as CSV (RFC 4180), oldest first; the export itself is audited',
        querystring: Type.Object(Filter),
      },
    },
    async (request, reply) => {
      parseAuditFilter(request.query);
      const actor = actorOf(request);
      await ctx.db.transaction().execute((trx) =>
        recordAuditEvent(
          trx,
          {
            actor: auditActor(actor, 'view_audit_trail'),
            action: 'audit.export',
            outcome: 'success',
            target: null,
            summary: { after: { filter: { ...request.query } } },
            requestId: request.id,
          },
          ctx.clock,
        ),
      );
      const stream = new PassThrough();
      const day = ctx.clock.now().toISOString().slice(0, 10);
      void reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="cloud-office-audit-${day}.csv"`)
        .send(stream);
      writeAuditEventsCsv(ctx.db, request.query, async (chunk) => {
        if (!stream.write(chunk)) await once(stream, 'drain');
      }).then(
        () => stream.end(),
        (error: unknown) => {
          request.log.error({ err: error }, 'audit export failed part-way');
          stream.destroy(error instanceof Error ? error : new Error('export failed'));
        },
      );
      return reply;
    },
  );

  app.get(
    '/api/v1/audit-events/verification',
    {
      config: { access: readers },
      schema: {
        tags: ['audit'],
        summary:
          'Check the hash chain: intact, or the first event that was edited, removed or moved',
        response: {
          200: Type.Object({
            intact: Type.Boolean(),
            events: Type.Integer(),
            lastHash: Type.Union([Type.String(), Type.Null()]),
            problem: Type.Union([
              Type.Object({
                seq: Type.Integer(),
                eventId: Type.Union([Type.String(), Type.Null()]),
                kind: Type.String(),
                message: Type.String(),
              }),
              Type.Null(),
            ]),
          }),
        },
      },
    },
    async () => {
      const verdict = await verifyAuditTrail(ctx.db);
      return verdict.ok
        ? { intact: true, events: verdict.count, lastHash: verdict.last.hash, problem: null }
        : {
            intact: false,
            events: 0,
            lastHash: null,
            problem: {
              seq: verdict.problem.seq,
              eventId: verdict.problem.event?.id ?? null,
              kind: verdict.problem.kind,
              message: verdict.problem.message,
            },
          };
    },
  );
};
