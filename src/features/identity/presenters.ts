import { Type, type Static } from 'typebox';
import type { Actor } from './actor.js';
import { apiTokenScopes, apiTokenStatus } from './api-tokens.js';
import type { ApiTokenRow } from './repo.js';

export const Me = Type.Object({
  userId: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  organization: Type.Object({ id: Type.String(), kind: Type.String(), name: Type.String() }),
  positions: Type.Array(
    Type.Object({
      code: Type.String(),
      title: Type.String(),
      additionalCharge: Type.Boolean(),
      endsOn: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  powers: Type.Array(Type.String()),
  secondFactorEnrolled: Type.Boolean({
    description: 'Whether the user has a TOTP authenticator enrolled.',
  }),
  secondFactorEnrolmentRequired: Type.Boolean({
    description:
      'A Cloud Office user without TOTP: this session may only enrol (POST /api/v1/auth/totp/enrolment), ' +
      'sign out and read the session; every other route answers 401 second_factor_enrolment_required.',
  }),
  secondFactorPending: Type.Boolean({
    description:
      'TOTP is enrolled but this session has not passed it yet (POST /api/v1/auth/totp/verify); ' +
      'other routes answer 401 second_factor_required.',
  }),
});

export const Session = Type.Object({
  signedIn: Type.Boolean(),
  me: Type.Optional(Me),
  csrfToken: Type.Optional(
    Type.String({ description: 'Send in the x-csrf-token header with every change.' }),
  ),
});

export function presentMe(actor: Actor): Static<typeof Me> {
  return {
    userId: actor.userId,
    email: actor.email,
    displayName: actor.displayName,
    role: actor.role,
    organization: {
      id: actor.organizationId,
      kind: actor.organizationKind,
      name: actor.organizationName,
    },
    positions: actor.appointments.map((a) => ({
      code: a.positionCode,
      title: a.positionTitle,
      additionalCharge: a.additionalCharge,
      endsOn: a.endsOn,
    })),
    powers: [...actor.powers].sort(),
    secondFactorEnrolled: actor.secondFactorEnrolled,
    secondFactorEnrolmentRequired: actor.secondFactorEnrolmentRequired,
    secondFactorPending: !actor.secondFactor,
  };
}

const apiTokenProperties = {
  id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.Union([Type.Literal('read'), Type.Literal('write')])),
  status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Recorded at most once a minute.',
  }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
};

export const ApiTokenSchema = Type.Object(apiTokenProperties);

/** A new token: the token itself, this once, with its description. */
export const NewApiTokenSchema = Type.Object({
  token: Type.String({
    description: 'Starts with co_pat_. Shown only in this answer; only its hash is stored.',
  }),
  ...apiTokenProperties,
});

/** Exactly the fields of a token that leave the server: never the token or its hash. */
export function presentApiToken(row: ApiTokenRow, now: Date): Static<typeof ApiTokenSchema> {
  return {
    id: row.id,
    name: row.name,
    scopes: apiTokenScopes(row),
    status: apiTokenStatus(row, now),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
