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

const Severity = Type.Union([
  Type.Literal('low'),
  Type.Literal('medium'),
  Type.Literal('high'),
  Type.Literal('critical'),
]);
const FindingSeverity = Type.Union([
  Type.Literal('low'),
  Type.Literal('moderate'),
  Type.Literal('high'),
  Type.Literal('critical'),
]);
const Hours = Type.Number({ exclusiveMinimum: 0, maximum: 100_000 });
const Kind = <K extends string>(kind: K) =>
  Type.Object({ kind: Type.Literal(kind) }, { additionalProperties: false });

/** A duty's check: what the duty check measures (duties/model.ts `DutyCheck`). */
const DutyCheckSchema = Type.Union([
  Kind('offering_accredited'),
  Kind('placement_allowed'),
  Kind('breach_reported_within'),
  Kind('report_request_answered_by_due'),
  Kind('response_action_done_by_due'),
  Type.Object(
    {
      kind: Type.Literal('critical_findings_fixed_within'),
      days: Type.Integer({ minimum: 1, maximum: 3650 }),
      severities: Type.Array(FindingSeverity, { minItems: 1, maxItems: 4 }),
    },
    { additionalProperties: false },
  ),
  Kind('conditions_met_by_due'),
]);

/** The duties of CSPs and PSEs as policy data (issue 7; duties/model.ts `ObligationSet`). */
export const ObligationSetSchema = Type.Object(
  {
    duties: Type.Array(
      Type.Object(
        {
          code: Code,
          party: Type.Union([Type.Literal('csp'), Type.Literal('pse'), Type.Literal('both')]),
          text: Text(2000),
          clause: Clause,
          check: Type.Union([DutyCheckSchema, Type.Null()], {
            description: 'How it is measured; null for a duty an officer records by hand',
          }),
          severity: Type.Optional(Severity),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
    reporting: Type.Object(
      {
        initialNoticeHours: Hours,
        updateEveryHours: Hours,
        finalReportDays: Type.Integer({ minimum: 1, maximum: 3650 }),
        personalDataHours: Hours,
        levelNotice: Type.Union([
          Type.Literal('duty_only'),
          Type.Literal('stricter'),
          Type.Literal('level'),
        ]),
        levelNoticeParameter: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 200,
            description:
              "The parameter holding a security level's own breach-notice hours, by id (default co-brr-1_prm_1)",
          }),
        ),
      },
      { additionalProperties: false },
    ),
    escalation: Type.Array(
      Type.Object(
        { post: Type.String({ minLength: 1, maxLength: 100 }), afterHours: Hours },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
    severity: Type.Object(
      {
        classImpact: Type.Record(Type.String(), Type.Integer({ minimum: 1, maximum: 100 })),
        unknownImpact: Type.Integer({ minimum: 1, maximum: 100 }),
        scale: Type.Array(
          Type.Object(
            {
              label: Text(200),
              upTo: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
            },
            { additionalProperties: false },
          ),
          { minItems: 1, maxItems: 20 },
        ),
        unknownScale: Type.Integer({ minimum: 0, maximum: 19 }),
        cells: Type.Array(Type.Array(Severity, { maxItems: 20 }), { minItems: 1, maxItems: 100 }),
        personalDataAtLeast: Severity,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, description: 'Duties, reporting deadlines, escalation, severity' },
);

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
    duties: Type.Optional(ObligationSetSchema),
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
