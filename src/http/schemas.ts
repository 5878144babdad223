import { Type, type Static } from 'typebox';

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
