import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../src/context.js';
import type { Database, DeploymentModel, ServiceModel } from '../../src/db/schema.js';
import type { AccreditationEvent, LevelRef } from '../../src/features/accreditation/events.js';
import { newRow, recordOf, responseRow } from '../../src/features/accreditation/mapper.js';
import {
  findApplication,
  insertApplication,
  insertEvent,
  nextEventSeq,
  updateApplication,
  upsertResponse,
} from '../../src/features/accreditation/repo.js';
import type { ControlResponse } from '../../src/features/accreditation/responses.js';
import {
  SYSTEM,
  transition,
  type AccreditationRecord,
  type Action,
  type ActorFacts,
  type PersonActor,
} from '../../src/features/accreditation/workflow.js';
import { insertOffering, replaceLists } from '../../src/features/offerings/repo.js';
import type { CertificationInput, LocationInput } from '../../src/features/offerings/validation.js';
import { projectRegisterEntry } from '../../src/features/register/projection.js';
import { buildOrganization } from './factories.js';

/**
 * Accredited offerings for register tests, made without the workflow's routes: an application
 * stored as it stands when it awaits the DG Cloud's decision, then taken through the pure state
 * machine (`transition`) step by step, each step stored as the service stores it (record, event,
 * register projection) in one transaction. So the events and register rows are the workflow's own.
 */

/** The DG Cloud as the workflow sees an officer holding the power to decide. */
const DG_CLOUD: PersonActor = {
  userId: 'dg-cloud',
  organizationId: 'cloud-office',
  organizationKind: 'cloud_office',
  role: 'officer',
  powers: new Set(['decide_accreditation']),
};

/** What happens after the grant, in order; each at its own instant. */
export type LaterStep =
  | { action: 'suspend'; at: string; reason: string; effectiveOn?: string }
  | { action: 'reinstate'; at: string; reason: string }
  | { action: 'revoke'; at: string; reason: string }
  | { action: 'expire'; at: string };

export interface AccreditedOfferingOptions {
  name?: string;
  description?: string;
  serviceModel?: ServiceModel;
  deploymentModel?: DeploymentModel;
  /** Default: one customer-data centre in Karachi. */
  locations?: LocationInput[];
  certifications?: CertificationInput[];
  levelSought?: LevelRef;
  /** The level granted; default the level sought. */
  level?: LevelRef;
  /** The published version of the level sought the answers were pinned to. */
  levelVersion?: number;
  /** The controls pinned at submission; default the ids of `responses`. */
  controlIds?: string[];
  responses?: ControlResponse[];
  /** The audit firm that assessed it; a new one by default. */
  auditFirm?: { id: string; name: string };
  /** ISO instant of the grant (validity starts that day); default the context's clock. */
  grantedAt?: string;
  /** YYYY-MM-DD; default a year after the grant. */
  validUntil?: string;
  conditions?: { text: string; dueOn: string }[];
  then?: LaterStep[];
}

export interface AccreditedOffering {
  offeringId: string;
  applicationId: string;
}

/** A year after a YYYY-MM-DD day, as text (clamped to the 28th so every month has it). */
function aYearAfter(day: string): string {
  const [y, m, d] = day.split('-');
  return `${Number(y) + 1}-${m ?? '01'}-${String(Math.min(Number(d), 28)).padStart(2, '0')}`;
}

/** Takes one action on the stored record and stores what the workflow returns, as the service does. */
async function act(
  db: Kysely<Database>,
  applicationId: string,
  action: Action,
  actor: ActorFacts,
  at: string,
): Promise<AccreditationRecord> {
  return db.transaction().execute(async (trx) => {
    const row = await findApplication(trx, applicationId);
    if (!row) throw new Error(`no application ${applicationId}`);
    const result = transition(recordOf(row), action, actor, new Date(at));
    if (!result.ok) throw new Error(`${action.type} refused: ${result.message}`);
    if (!(await updateApplication(trx, result.next, row.revision, { at, userId: null }))) {
      throw new Error('the application changed meanwhile');
    }
    await insertEvent(trx, {
      id: randomUUID(),
      application_id: applicationId,
      seq: await nextEventSeq(trx, applicationId),
      type: result.event.type,
      event: JSON.stringify(result.event satisfies AccreditationEvent),
      actor_user_id: null,
      actor_position: null,
      at: result.event.at,
    });
    await projectRegisterEntry(trx, result.next, at);
    return result.next;
  });
}

/** A new record awaiting the DG Cloud's decision: assessed, legal review cleared. */
async function storeAwaitingDecision(
  ctx: AppContext,
  record: Omit<
    AccreditationRecord,
    'status' | 'returnReasons' | 'assessment' | 'legalReview' | 'grant' | 'conditions'
  >,
  at: string,
): Promise<void> {
  await insertApplication(
    ctx.db,
    newRow(
      {
        ...record,
        status: 'awaiting_decision',
        returnReasons: null,
        assessment: {
          submittedOn: at.slice(0, 10),
          counts: {
            satisfied: record.submission?.controlIds.length ?? 0,
            not_satisfied: 0,
            not_applicable: 0,
          },
          findings: [],
        },
        legalReview: { outcome: 'cleared', notes: 'Contracts in order.' },
        grant: null,
        conditions: [],
        suspension: null,
        closure: null,
      },
      { at, userId: null },
    ),
  );
}

async function applyLater(ctx: AppContext, applicationId: string, steps: readonly LaterStep[]) {
  for (const step of steps) {
    const action: Action =
      step.action === 'suspend'
        ? {
            type: 'suspend',
            reason: step.reason,
            effectiveOn: step.effectiveOn ?? step.at.slice(0, 10),
          }
        : step.action === 'reinstate'
          ? { type: 'reinstate', reason: step.reason, conditions: [] }
          : step.action === 'revoke'
            ? { type: 'revoke', reason: step.reason }
            : { type: 'expire' };
    await act(ctx.db, applicationId, action, step.action === 'expire' ? SYSTEM : DG_CLOUD, step.at);
  }
}

/**
 * An offering of `providerId` with its data centres and certifications, accredited by the DG Cloud
 * (and then suspended, revoked and so on, as `then` says), with its answers stored.
 */
export async function buildAccreditedOffering(
  ctx: AppContext,
  providerId: string,
  options: AccreditedOfferingOptions = {},
): Promise<AccreditedOffering> {
  const grantedAt = options.grantedAt ?? ctx.clock.now().toISOString();
  const offeringId = randomUUID();
  await insertOffering(ctx.db, {
    id: offeringId,
    organization_id: providerId,
    name: options.name ?? `Offering ${offeringId.slice(0, 8)}`,
    description: options.description ?? 'An accredited test offering',
    service_model: options.serviceModel ?? 'iaas',
    deployment_model: options.deploymentModel ?? 'public',
    website: null,
    created_at: grantedAt,
    created_by_user_id: null,
    updated_at: grantedAt,
    updated_by_user_id: null,
  });
  await replaceLists(ctx.db, offeringId, {
    locations: options.locations ?? [
      { country: 'PK', city: 'Karachi', operator: 'DC Ltd', purpose: 'customer_data' },
    ],
    certifications: options.certifications ?? [],
  });

  const auditFirm = options.auditFirm ?? {
    id: await buildOrganization(ctx, 'audit_firm', { name: 'Assurance Partners' }),
    name: 'Assurance Partners',
  };
  const levelSought = options.levelSought ?? { code: 'baseline', rank: 1 };
  const responses = options.responses ?? [];
  const applicationId = randomUUID();
  await storeAwaitingDecision(
    ctx,
    {
      id: applicationId,
      offeringId,
      cspOrganizationId: providerId,
      kind: 'initial',
      predecessorId: null,
      levelSought,
      submission: {
        levelVersion: options.levelVersion ?? 1,
        controlIds: options.controlIds ?? responses.map((r) => r.controlId),
      },
      auditFirm,
      suspension: null,
      closure: null,
    },
    grantedAt,
  );
  for (const response of responses) {
    await upsertResponse(
      ctx.db,
      responseRow(applicationId, response, { at: grantedAt, userId: null }),
    );
  }
  await act(
    ctx.db,
    applicationId,
    {
      type: 'accredit',
      level: options.level ?? levelSought,
      validUntil: options.validUntil ?? aYearAfter(grantedAt.slice(0, 10)),
      conditions: (options.conditions ?? []).map((c) => ({ id: randomUUID(), ...c })),
      predecessorStatus: null,
    },
    DG_CLOUD,
    grantedAt,
  );
  await applyLater(ctx, applicationId, options.then ?? []);
  return { offeringId, applicationId };
}

/**
 * A renewal of the accreditation `predecessorId`, granted at `grantedAt`; the predecessor is
 * superseded at the same instant, as the accreditation service does it. Returns the renewal's id.
 */
export async function renewAccreditation(
  ctx: AppContext,
  predecessorId: string,
  options: {
    grantedAt: string;
    validUntil: string;
    /** Default: the predecessor's level sought. */
    levelSought?: LevelRef;
    /** The level granted; default the level sought. */
    level?: LevelRef;
    then?: LaterStep[];
  },
): Promise<string> {
  const row = await findApplication(ctx.db, predecessorId);
  if (!row) throw new Error(`no application ${predecessorId}`);
  const predecessor = recordOf(row);
  const applicationId = randomUUID();
  await storeAwaitingDecision(
    ctx,
    {
      ...predecessor,
      id: applicationId,
      kind: 'renewal',
      predecessorId,
      levelSought: options.levelSought ?? predecessor.levelSought,
      suspension: null,
      closure: null,
    },
    options.grantedAt,
  );
  await act(
    ctx.db,
    applicationId,
    {
      type: 'accredit',
      level: options.level ?? options.levelSought ?? predecessor.levelSought,
      validUntil: options.validUntil,
      conditions: [],
      predecessorStatus: predecessor.status,
    },
    DG_CLOUD,
    options.grantedAt,
  );
  // As the service does: the grant first, then the predecessor superseded, at the same instant.
  await act(
    ctx.db,
    predecessorId,
    { type: 'supersede', successorId: applicationId },
    SYSTEM,
    options.grantedAt,
  );
  await applyLater(ctx, applicationId, options.then ?? []);
  return applicationId;
}
