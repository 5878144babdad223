import { createHash, randomUUID } from 'node:crypto';
import type { AppContext } from '../../src/context.js';
import type { DocumentKind } from '../../src/db/schema.js';
import { insertDocument } from '../../src/features/documents/repo.js';

/** A small text document of an organization, stored directly as if uploaded; returns its id. */
export async function buildDocument(
  ctx: AppContext,
  organizationId: string,
  options: { kind?: DocumentKind; text?: string; uploadedAt?: string } = {},
): Promise<string> {
  const id = randomUUID();
  const content = Buffer.from(options.text ?? `document ${id}\n`, 'utf8');
  await insertDocument(ctx.db, {
    id,
    organization_id: organizationId,
    kind: options.kind ?? 'other',
    file_name: `document-${id.slice(0, 8)}.txt`,
    media_type: 'text/plain; charset=utf-8',
    size: content.length,
    sha256: createHash('sha256').update(content).digest('hex'),
    uploaded_by_user_id: null,
    uploaded_by_position: null,
    uploaded_at: options.uploadedAt ?? ctx.clock.now().toISOString(),
    content,
  });
  return id;
}

/** A multipart/form-data body built by hand: text fields, then files, each with its own headers. */
export function multipartBody(
  fields: Record<string, string>,
  files: { field?: string; name: string; type?: string; content: Buffer | string }[],
): { payload: Buffer; contentType: string } {
  const boundary = `----cloud-office-test-${randomUUID()}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  for (const file of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; ` +
          `filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, 'utf8'),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
