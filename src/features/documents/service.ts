import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database, DocumentKind } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { recordAuditEvent } from '../audit/service.js';
import { auditActor, type Actor, type RequestContext } from '../identity/actor.js';
import { listScope, mayReadDocument } from './access.js';
import { detectDocumentType } from './media-types.js';
import * as repo from './repo.js';
import type { ReceivedFile } from './upload.js';

/** A file that passed the type check, ready to store. */
export interface CheckedFile {
  fileName: string;
  mediaType: string;
  bytes: Buffer;
  size: number;
  sha256: string;
}

/** Types a received file by its content; refuses (415/422) anything we do not take. */
export async function checkFile(file: ReceivedFile): Promise<CheckedFile> {
  const detected = await detectDocumentType(file.bytes, file.fileName);
  return { ...file, ...detected };
}

/**
 * Stores a checked file as a document of `organizationId`, with its audit event, inside the
 * caller's transaction: a feature that attaches a document to its own record (an application, a
 * control response's evidence) calls this in the transaction that writes the record, so both are
 * stored or neither is. Returns the new document's id.
 */
export async function storeDocument(
  trx: Kysely<Database>,
  ctx: AppContext,
  input: { organizationId: string; kind: DocumentKind; file: CheckedFile },
  request: RequestContext,
): Promise<string> {
  const id = randomUUID();
  const actor = auditActor(request.actor);
  const { file } = input;
  await repo.insertDocument(trx, {
    id,
    organization_id: input.organizationId,
    kind: input.kind,
    file_name: file.fileName,
    media_type: file.mediaType,
    size: file.size,
    sha256: file.sha256,
    uploaded_by_user_id: request.actor?.userId ?? null,
    uploaded_by_position: actor.position ?? null,
    uploaded_at: ctx.clock.now().toISOString(),
    content: file.bytes,
  });
  await recordAuditEvent(
    trx,
    {
      actor,
      action: 'document.upload',
      outcome: 'success',
      target: { type: 'document', id },
      summary: {
        after: {
          organizationId: input.organizationId,
          kind: input.kind,
          fileName: file.fileName,
          mediaType: file.mediaType,
          size: file.size,
          sha256: file.sha256,
        },
      },
      requestId: request.requestId,
    },
    ctx.clock,
  );
  return id;
}

/** Uploads a document for the actor's own organization (officers: for the Cloud Office). */
export async function upload(
  ctx: AppContext,
  actor: Actor,
  kind: DocumentKind,
  received: ReceivedFile,
  request: RequestContext,
): Promise<repo.DocumentRow> {
  const file = await checkFile(received);
  const id = await ctx.db
    .transaction()
    .execute((trx) =>
      storeDocument(trx, ctx, { organizationId: actor.organizationId, kind, file }, request),
    );
  return get(ctx, actor, id);
}

/** A document's metadata, if the actor may read it; otherwise the same 404 as a missing one. */
export async function get(ctx: AppContext, actor: Actor, id: string): Promise<repo.DocumentRow> {
  const row = await repo.findDocument(ctx.db, id);
  if (!row || !(await mayReadDocument(ctx.db, actor, row.organization_id))) {
    throw AppError.notFound(`There is no document ${JSON.stringify(id)}.`);
  }
  return row;
}

/** A document's metadata and bytes, for a download. */
export async function content(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<{ document: repo.DocumentRow; bytes: Buffer }> {
  const document = await get(ctx, actor, id);
  const bytes = await repo.documentContent(ctx.db, id);
  if (!bytes) throw AppError.notFound(`There is no document ${JSON.stringify(id)}.`);
  return { document, bytes };
}

/** Documents the actor may read: all for Cloud Office officers, their organization's elsewhere. */
export function list(
  ctx: AppContext,
  actor: Actor,
  filter: { organizationId?: string; kind?: DocumentKind },
  page: { limit: number; offset: number },
) {
  return repo.listDocuments(ctx.db, { ...filter, onlyOrganizationId: listScope(actor) }, page);
}
