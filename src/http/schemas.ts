import { Type, type Static, type TSchema } from 'typebox';

/** RFC 9457 problem details, as every error of the API is returned. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI naming the kind of problem.' }),
    title: Type.String({ description: 'A short summary of the kind of problem.' }),
    status: Type.Integer({ description: 'The HTTP status code.' }),
    detail: Type.String({ description: 'What was wrong with this request, in words.' }),
    instance: Type.String({ description: 'The path of the request.' }),
    code: Type.String({ description: 'A stable machine-readable code, e.g. `validation_failed`.' }),
    requestId: Type.String({ description: 'Quote this when reporting a problem.' }),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          in: Type.String({ description: 'body, querystring, params or headers' }),
          pointer: Type.String({ description: 'RFC 6901 JSON pointer to the offending value' }),
          message: Type.String(),
        }),
      ),
    ),
  },
  {
    $id: 'Problem',
    description: 'RFC 9457 problem details (media type application/problem+json).',
  },
);

export type Problem = Static<typeof ProblemSchema>;

/** A reference to the shared problem schema, for route response declarations. */
export const ProblemRef = Type.Ref('Problem');

/** A record's id in a path, body or query. */
export const Id = Type.String({ minLength: 1, maxLength: 64 });

/** One of some strings, typed as their union. */
export const choice = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>(Type.String({ enum: [...values], ...(description ? { description } : {}) }));

export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** An instant the caller sends, in ISO-8601. */
export const Instant = (description: string) =>
  Type.String({ format: 'date-time', description: `${description} (ISO-8601 instant)` });

/** An organization (or offering) named in an answer. */
export const OrgRefSchema = Type.Object({ id: Type.String(), name: Type.String() });

/** A person named in an answer, or null. */
export const UserRefSchema = nullable(
  Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }),
);

/** The paging of a list: `limit` rows after `offset`. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};

/** A page of `item`s with the total and the paging asked for. */
export const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });

/** A document named in an answer (its metadata, never its bytes). */
export const DocRefSchema = Type.Object({
  id: Type.String(),
  fileName: Type.String(),
  mediaType: Type.String(),
  size: Type.Integer(),
});
