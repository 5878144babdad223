import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { access, requestContext } from '../identity/access.js';
import {
  appoint,
  changeAppointment,
  getAppointment,
  listAppointments,
  listPositions,
} from './service.js';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Appointment = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  userName: Type.String(),
  userEmail: Type.String(),
  positionCode: Type.String(),
  positionTitle: Type.String(),
  startsOn: Day,
  endsOn: Type.Union([Day, Type.Null()]),
  additionalCharge: Type.Boolean(),
  note: Type.Union([Type.String(), Type.Null()]),
});
const officeOnly = { organizationKinds: ['cloud_office'] as const };

/** The office's posts and who holds them when: reading is for the office, changing needs manage_appointments. */
export const appointmentRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  app.get(
    '/api/v1/positions',
    {
      config: { access: access.signedIn(officeOnly) },
      schema: {
        tags: ['appointments'],
        summary: 'The posts of the Cloud Office and their powers',
        response: {
          200: Type.Array(
            Type.Object({
              code: Type.String(),
              title: Type.String(),
              rank: Type.Integer(),
              powers: Type.Array(Type.String()),
            }),
          ),
        },
      },
    },
    () => listPositions(ctx),
  );

  app.get(
    '/api/v1/appointments',
    {
      config: { access: access.signedIn(officeOnly) },
      schema: {
        tags: ['appointments'],
        summary: 'Appointments to posts, highest post first',
        querystring: Type.Object({
          userId: Type.Optional(Type.String()),
          positionCode: Type.Optional(Type.String()),
          activeOn: Type.Optional(Day),
        }),
        response: { 200: Type.Array(Appointment) },
      },
    },
    (request) => listAppointments(ctx, request.query),
  );

  app.get(
    '/api/v1/appointments/:id',
    {
      config: { access: access.signedIn(officeOnly) },
      schema: {
        tags: ['appointments'],
        summary: 'One appointment',
        params: Type.Object({ id: Type.String() }),
        response: { 200: Appointment },
      },
    },
    (request) => getAppointment(ctx, request.params.id),
  );

  app.post(
    '/api/v1/appointments',
    {
      config: { access: access.signedIn({ ...officeOnly, power: 'manage_appointments' }) },
      schema: {
        tags: ['appointments'],
        summary: 'Appoint an officer to a post, possibly as an additional charge',
        body: Type.Object(
          {
            userId: Type.String(),
            positionCode: Type.String(),
            startsOn: Day,
            endsOn: Type.Optional(Type.Union([Day, Type.Null()])),
            additionalCharge: Type.Optional(Type.Boolean()),
            note: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 201: Appointment },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await appoint(ctx, request.body, requestContext(request))),
  );

  app.patch(
    '/api/v1/appointments/:id',
    {
      config: { access: access.signedIn({ ...officeOnly, power: 'manage_appointments' }) },
      schema: {
        tags: ['appointments'],
        summary: 'End an appointment (hand the post over) or change its note',
        params: Type.Object({ id: Type.String() }),
        body: Type.Object(
          {
            endsOn: Type.Optional(Type.Union([Day, Type.Null()])),
            note: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Appointment },
      },
    },
    (request) => changeAppointment(ctx, request.params.id, request.body, requestContext(request)),
  );
};
