import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { buildDocument, multipartBody } from '../helpers/documents.js';
import {
  appoint,
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';

interface Problem {
  code: string;
  detail: string;
  errors?: { pointer: string; message: string }[];
}

interface DocumentView {
  id: string;
  organizationId: string;
  kind: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploadedByUserId: string | null;
  uploadedByPosition: string | null;
  uploadedAt: string;
}

interface DocumentList {
  items: DocumentView[];
  total: number;
  limit: number;
  offset: number;
}

/** The suite's upload limit: small, so that the limit is cheap to cross. */
const LIMIT = 4096;

// A tiny but well-formed PDF, a PNG header, a Windows executable and an ELF binary: their first
// bytes are what type detection reads.
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
    '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);
const PNG = Buffer.concat([
  Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'),
  Buffer.alloc(32),
]);
const EXE = Buffer.concat([
  Buffer.from('MZ\x90\x00', 'latin1'),
  Buffer.alloc(60),
  Buffer.from('PE\0\0'),
]);

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describeEachDatabase('documents: upload, type check, download, tenant separation', (database) => {
  let t: TestApp;
  let cspId = '';
  let otherCspId = '';
  let officeId = '';
  let csp: Client;
  let otherCsp: Client;
  let officer: Client;
  let board: Client;

  before(async () => {
    t = await createTestApp(database, { env: { UPLOAD_LIMIT: String(LIMIT) } });
    officeId = (await setUpOffice(t.ctx)).organizationId;
    cspId = await buildOrganization(t.ctx, 'csp');
    otherCspId = await buildOrganization(t.ctx, 'csp');
    csp = await signInAs(t.app, (await buildUser(t.ctx, cspId, 'csp_staff')).email);
    otherCsp = await signInAs(t.app, (await buildUser(t.ctx, otherCspId, 'csp_admin')).email);
    const director = await buildUser(t.ctx, officeId, 'officer');
    await appoint(t.ctx, director.id, 'director_cloud_adoption', '2020-01-01');
    officer = await signInAs(t.app, director.email);
    board = await signInAs(t.app, (await buildUser(t.ctx, officeId, 'board_member')).email);
  });
  after(() => t.close());

  function upload(
    client: Client,
    fields: Record<string, string>,
    files: Parameters<typeof multipartBody>[1],
  ): Promise<LightMyRequestResponse> {
    const { payload, contentType } = multipartBody(fields, files);
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: {
        cookie: client.cookie,
        'x-csrf-token': client.csrfToken,
        'content-type': contentType,
      },
      payload,
    });
  }

  async function storedCounts(): Promise<{ documents: number; events: number }> {
    const documents = await t.ctx.db
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'document.upload')
      .executeTakeFirstOrThrow();
    return { documents: documents.n, events: events.n };
  }

  it('stores an upload with its SHA-256 and the type found in its content, and audits it', async () => {
    const response = await upload(csp, { kind: 'certificate' }, [
      { name: 'ISO 27001 certificate.pdf', type: 'text/plain', content: PDF },
    ]);
    assert.equal(response.statusCode, 201, response.body);
    const created = response.json<DocumentView>();
    assert.equal(created.organizationId, cspId);
    assert.equal(created.kind, 'certificate');
    assert.equal(created.fileName, 'ISO 27001 certificate.pdf');
    assert.equal(created.mediaType, 'application/pdf', 'the claimed text/plain is ignored');
    assert.equal(created.size, PDF.length);
    assert.equal(created.sha256, sha256(PDF));
    assert.equal(response.headers.location, `/api/v1/documents/${created.id}`);

    const event = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'document.upload')
      .where('target_id', '=', created.id)
      .executeTakeFirstOrThrow();
    assert.equal(event.target_type, 'document');
    assert.equal(event.actor_organization_id, cspId);
    const summary = JSON.parse(event.summary) as { after: { sha256: string; kind: string } };
    assert.equal(summary.after.sha256, sha256(PDF));
    assert.equal(summary.after.kind, 'certificate');
  });

  it('gives the bytes back unchanged, as an attachment, with the digest headers', async () => {
    const text = 'control,status\nAC-1,implemented\nAC-2,"partly, see plan"\n';
    const created = (
      await upload(csp, { kind: 'evidence' }, [{ name: '../../etc/réponses.csv', content: text }])
    ).json<DocumentView>();
    assert.equal(created.fileName, 'réponses.csv', 'only the last path segment is kept');
    assert.equal(created.mediaType, 'text/csv; charset=utf-8');

    for (const id of [created.id]) {
      const download = await csp.get(`/api/v1/documents/${id}/content`);
      assert.equal(download.statusCode, 200);
      assert.deepEqual(download.rawPayload, Buffer.from(text, 'utf8'));
      assert.equal(download.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(download.headers['x-content-type-options'], 'nosniff');
      assert.equal(
        download.headers['content-disposition'],
        `attachment; filename="r_ponses.csv"; filename*=UTF-8''r%C3%A9ponses.csv`,
      );
      assert.equal(download.headers.etag, `"${created.sha256}"`);
      const digest = Buffer.from(created.sha256, 'hex').toString('base64');
      assert.equal(download.headers['repr-digest'], `sha-256=:${digest}:`);
      assert.equal(
        createHash('sha256').update(download.rawPayload).digest('base64'),
        digest,
        'the digest is of the bytes sent',
      );

      const again = await t.app.inject({
        method: 'GET',
        url: `/api/v1/documents/${id}/content`,
        headers: { cookie: csp.cookie, 'if-none-match': `"${created.sha256}"` },
      });
      assert.equal(again.statusCode, 304);
      assert.equal(again.body, '');
    }

    const pdf = (
      await upload(csp, { kind: 'contract' }, [{ name: 'contract.pdf', content: PDF }])
    ).json<DocumentView>();
    const pdfDownload = await csp.get(`/api/v1/documents/${pdf.id}/content`);
    assert.deepEqual(pdfDownload.rawPayload, PDF);
    assert.equal(pdfDownload.headers['content-type'], 'application/pdf');
  });

  it('refuses a renamed executable, HTML, a misleading name and broken JSON, storing nothing', async () => {
    const before = await storedCounts();

    const exe = await upload(csp, { kind: 'evidence' }, [
      { name: 'report.pdf', type: 'application/pdf', content: EXE },
    ]);
    assert.equal(exe.statusCode, 415, exe.body);
    assert.equal(exe.json<Problem>().code, 'document_type_not_accepted');
    assert.match(
      exe.json<Problem>().detail,
      /"report\.pdf" is application\/x-msdownload \(\.exe\) by its content/,
    );
    assert.match(exe.json<Problem>().detail, /Accepted: PDF, PNG, JPEG, .*\.csv, \.json/);

    const html = await upload(csp, { kind: 'evidence' }, [
      { name: 'notes.txt', content: '\n  <!DOCTYPE html><html><script>alert(1)</script></html>' },
    ]);
    assert.equal(html.statusCode, 415, html.body);
    assert.match(html.json<Problem>().detail, /"notes\.txt" is HTML or XML markup/);

    const script = await upload(csp, { kind: 'evidence' }, [
      { name: 'run.sh', content: 'echo hello\n' },
    ]);
    assert.equal(script.statusCode, 415);
    assert.match(script.json<Problem>().detail, /text with the extension \.sh/);

    const binary = await upload(csp, { kind: 'evidence' }, [
      { name: 'data.txt', content: Buffer.from([0x01, 0x02, 0x03, 0xc3, 0x28, 0x10]) },
    ]);
    assert.equal(binary.statusCode, 415);
    assert.match(binary.json<Problem>().detail, /neither a known format nor UTF-8 text/);

    const mismatch = await upload(csp, { kind: 'architecture' }, [
      { name: 'diagram.pdf', content: PNG },
    ]);
    assert.equal(mismatch.statusCode, 422, mismatch.body);
    assert.equal(mismatch.json<Problem>().code, 'document_name_mismatch');
    assert.match(
      mismatch.json<Problem>().detail,
      /is PNG by its content, not \.pdf; rename it to \.png/,
    );

    const json = await upload(csp, { kind: 'evidence' }, [
      { name: 'scan.json', content: '{"findings": [' },
    ]);
    assert.equal(json.statusCode, 422);
    assert.equal(json.json<Problem>().code, 'document_content_invalid');

    const empty = await upload(csp, { kind: 'evidence' }, [{ name: 'empty.txt', content: '' }]);
    assert.equal(empty.statusCode, 422);
    assert.equal(empty.json<Problem>().code, 'document_empty');

    assert.deepEqual(await storedCounts(), before);
  });

  it('refuses a file over the upload limit with 413 naming it, and takes one exactly at it', async () => {
    const before = await storedCounts();
    const over = await upload(csp, { kind: 'evidence' }, [
      { name: 'big.txt', content: 'a'.repeat(LIMIT + 1) },
    ]);
    assert.equal(over.statusCode, 413, over.body);
    assert.equal(over.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(over.json<Problem>().code, 'file_too_large');
    assert.match(
      over.json<Problem>().detail,
      /larger than the upload limit of 4096 bytes \(4 KiB\)/,
    );
    assert.deepEqual(await storedCounts(), before);

    const atLimit = await upload(csp, { kind: 'evidence' }, [
      { name: 'full.txt', content: 'a'.repeat(LIMIT) },
    ]);
    assert.equal(atLimit.statusCode, 201, atLimit.body);
    assert.equal(atLimit.json<DocumentView>().size, LIMIT);
  });

  it('answers 413 over a real connection while the client is still sending, and stays up', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const form = new FormData();
    form.append('kind', 'evidence');
    form.append('file', new Blob([Buffer.alloc(8 * 1024 * 1024, 0x61)]), 'big.txt');
    const headers = { cookie: csp.cookie, 'x-csrf-token': csp.csrfToken };
    const over = await fetch(`${address}/api/v1/documents`, {
      method: 'POST',
      body: form,
      headers,
    });
    assert.equal(over.status, 413);
    // The rest of the body is never read: the server closes the connection rather than keep it busy.
    assert.equal(over.headers.get('connection'), 'close');
    assert.equal(((await over.json()) as Problem).code, 'file_too_large');

    const small = new FormData();
    small.append('kind', 'evidence');
    small.append('file', new Blob(['fine\n']), 'fine.txt');
    const next = await fetch(`${address}/api/v1/documents`, {
      method: 'POST',
      body: small,
      headers,
    });
    assert.equal(next.status, 201);
    const created = (await next.json()) as DocumentView;
    assert.equal(created.sha256, sha256(Buffer.from('fine\n')));
  });

  it('refuses a malformed form: missing or unknown kind, no file, two files, JSON instead', async () => {
    const before = await storedCounts();
    const noKind = await upload(csp, {}, [{ name: 'a.txt', content: 'a' }]);
    assert.equal(noKind.statusCode, 400);
    assert.deepEqual(
      noKind.json<Problem>().errors?.map((e) => e.pointer),
      ['/kind'],
    );

    const badKind = await upload(csp, { kind: 'selfie' }, [{ name: 'a.txt', content: 'a' }]);
    assert.equal(badKind.statusCode, 400);
    assert.match(
      badKind.json<Problem>().detail,
      /body \/kind: must be one of certificate, .* \(got "selfie"\)/,
    );

    const unknown = await upload(csp, { kind: 'other', colour: 'red' }, [
      { name: 'a.txt', content: 'a' },
    ]);
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.json<Problem>().detail, /unknown field "colour"/);

    const noFile = await upload(csp, { kind: 'other' }, []);
    assert.equal(noFile.statusCode, 400);
    assert.match(noFile.json<Problem>().detail, /required field "file" is missing/);

    const two = await upload(csp, { kind: 'other' }, [
      { name: 'a.txt', content: 'a' },
      { name: 'b.txt', content: 'b' },
    ]);
    assert.equal(two.statusCode, 400, two.body);
    assert.equal(two.json<Problem>().code, 'one_file_only');

    const asJson = await csp.send('POST', '/api/v1/documents', { kind: 'other' });
    assert.equal(asJson.statusCode, 415);
    assert.match(asJson.json<Problem>().detail, /send multipart\/form-data/);
    assert.deepEqual(await storedCounts(), before);
  });

  it("answers 404 for another organization's document and keeps it out of their lists", async () => {
    const id = await buildDocument(t.ctx, cspId, { kind: 'contract' });
    for (const path of [`/api/v1/documents/${id}`, `/api/v1/documents/${id}/content`]) {
      const foreign = await otherCsp.get(path);
      assert.equal(foreign.statusCode, 404, path);
      assert.equal(foreign.json<Problem>().code, 'not_found');
      assert.equal((await csp.get(path)).statusCode, 200, path);
      assert.equal((await officer.get(path)).statusCode, 200, `officer ${path}`);
    }
    const theirList = (
      await otherCsp.get(`/api/v1/documents?organizationId=${cspId}`)
    ).json<DocumentList>();
    assert.equal(theirList.total, 0);
    const ownList = (await otherCsp.get('/api/v1/documents')).json<DocumentList>();
    assert.ok(ownList.items.every((item) => item.organizationId === otherCspId));

    const officerList = (
      await officer.get(`/api/v1/documents?organizationId=${cspId}&kind=contract`)
    ).json<DocumentList>();
    assert.ok(officerList.items.some((item) => item.id === id));
    assert.ok(
      officerList.items.every((item) => item.organizationId === cspId && item.kind === 'contract'),
    );

    const boardRead = await board.get(`/api/v1/documents/${id}`);
    assert.equal(
      boardRead.statusCode,
      403,
      'the Cloud Board does not read providers\u2019 documents',
    );
  });

  it("lets an officer upload for the Cloud Office, recording the officer's post", async () => {
    const response = await upload(officer, { kind: 'legal' }, [
      { name: 'terms.txt', content: 'Terms of accreditation.\n' },
    ]);
    assert.equal(response.statusCode, 201, response.body);
    const created = response.json<DocumentView>();
    assert.equal(created.organizationId, officeId);
    assert.equal(created.uploadedByPosition, 'Director Cloud Adoption');
    assert.equal(created.mediaType, 'text/plain; charset=utf-8');
    assert.equal((await csp.get(`/api/v1/documents/${created.id}`)).statusCode, 404);
  });

  it('lists newest first, in pages, with the total', async () => {
    const organizationId = await buildOrganization(t.ctx, 'pse');
    const pse = await signInAs(t.app, (await buildUser(t.ctx, organizationId, 'pse_staff')).email);
    const ids: string[] = [];
    for (let day = 1; day <= 5; day += 1) {
      ids.push(
        await buildDocument(t.ctx, organizationId, { uploadedAt: `2026-03-0${day}T10:00:00.000Z` }),
      );
    }
    const page = (await pse.get('/api/v1/documents?limit=2&offset=1')).json<DocumentList>();
    assert.equal(page.total, 5);
    assert.equal(page.limit, 2);
    assert.equal(page.offset, 1);
    assert.deepEqual(
      page.items.map((item) => item.id),
      [ids[3], ids[2]],
    );
    const bad = await pse.get('/api/v1/documents?limit=0');
    assert.equal(bad.statusCode, 400);
  });

  it('documents the multipart form in the OpenAPI document', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: Record<
                string,
                { schema: { properties: Record<string, { format?: string }>; required: string[] } }
              >;
            };
          }
        >
      >;
    }>();
    const form = spec.paths['/api/v1/documents']?.post?.requestBody?.content['multipart/form-data'];
    assert.ok(form, 'the upload is documented as multipart/form-data');
    assert.deepEqual([...form.schema.required].sort(), ['file', 'kind']);
    assert.equal(form.schema.properties.file?.format, 'binary');
  });
});
