import { Type, type Static } from 'typebox';
import { DeploymentModelSchema, ServiceModelSchema } from '../offerings/presenter.js';
import type { PolicyPack } from './model.js';

/**
 * The policy pack's shape as JSON Schema (TypeBox), for the body that replaces a draft and for
 * the answers that show one. This is the structural check only; what a pack means (every class has
 * a rule, every class may go somewhere, codes that name things that exist) is `validatePack`'s,
 * applied when a draft is shown and before each step towards publication.
 */

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });
const Code = Type.String({
  pattern: '^[a-z][a-z0-9_-]{0,39}$',
  description: 'A stable code in lower case, e.g. restricted',
});
const Country = Type.String({
  pattern: '^[A-Z]{2}$',
  description: 'ISO 3166-1 alpha-2, in capitals (PK)',
});
const Clause = Type.String({
  minLength: 1,
  maxLength: 2000,
  pattern: '\\S',
  description: 'The clause of the policy this implements, quoted or cited for people',
});
const Deviation = Type.Union([
  Type.Literal('deployment_model'),
  Type.Literal('residency'),
  Type.Literal('level'),
]);
const Described = <T extends typeof ServiceModelSchema | typeof DeploymentModelSchema>(code: T) =>
  Type.Object({ code, name: Text(200), description: Text(2000) }, { additionalProperties: false });

export const PolicyPackSchema = Type.Object(
  {
    homeCountry: Country,
    classes: Type.Array(
      Type.Object(
        {
          code: Code,
          name: Text(200),
          rank: Type.Integer({ minimum: 0, maximum: 1000 }),
          definition: Text(5000),
          examples: Type.Array(Text(500), { maxItems: 50 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
    deploymentModels: Type.Array(Described(DeploymentModelSchema), { maxItems: 10 }),
    serviceModels: Type.Array(Described(ServiceModelSchema), {
      maxItems: 10,
      description: 'Most preferred first',
    }),
    classification: Type.Object(
      {
        byConfidentiality: Type.Object(
          { none: Code, low: Code, moderate: Code, high: Code },
          {
            additionalProperties: false,
            description: 'The class an information type gets from its confidentiality impact',
          },
        ),
        byMarking: Type.Array(
          Type.Object(
            { marking: Text(100), classCode: Code, label: Text(200) },
            { additionalProperties: false },
          ),
          { maxItems: 200 },
        ),
      },
      { additionalProperties: false },
    ),
    rules: Type.Array(
      Type.Object(
        {
          classCode: Code,
          minimumLevel: Code,
          deploymentModels: Type.Array(DeploymentModelSchema, { maxItems: 10 }),
          customerDataIn: Type.Union([
            Type.Literal('anywhere'),
            Type.Array(Type.Union([Country, Type.Literal('home')]), { maxItems: 250 }),
          ]),
          allDataIn: Type.Boolean(),
          conditions: Type.Array(
            Type.Object(
              { id: Code, text: Text(2000), clause: Clause },
              { additionalProperties: false },
            ),
            { maxItems: 20 },
          ),
          clause: Clause,
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
    nocRules: Type.Array(
      Type.Object(
        {
          classCode: Code,
          deviations: Type.Array(Deviation, { maxItems: 3 }),
          deploymentModels: Type.Array(DeploymentModelSchema, { maxItems: 10 }),
          maxMonths: Type.Integer({ minimum: 0, maximum: 1200 }),
          clause: Clause,
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
    accreditationClause: Type.Optional(Clause),
  },
  { additionalProperties: false, description: 'A whole policy pack' },
);

export type PolicyPackBody = Static<typeof PolicyPackSchema>;

// The schema and the pack's type must describe the same thing, field for field at every depth
// (an optional field added to the model alone would pass a plain assignability check): the build
// stops here if they drift.
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Exact<A, B> =
  Mutual<A, B> extends true
    ? [A] extends [readonly (infer E)[]]
      ? [B] extends [readonly (infer F)[]]
        ? Exact<E, F>
        : false
      : [A] extends [object]
        ? Mutual<keyof A, keyof B> extends true
          ? false extends { [K in keyof A & keyof B]-?: Exact<A[K], B[K]> }[keyof A & keyof B]
            ? false
            : true
          : false
        : true
    : false;
type Assert<T extends true> = T;
export type PolicyPackSchemaMatchesModel = Assert<Exact<PolicyPackBody, PolicyPack>>;
