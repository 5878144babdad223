import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Catalog } from '../../oscal/model.js';
import { fileNameOf, type DocumentSource, type LoadedDocument } from '../../oscal/sources.js';
import * as repo from './repo.js';
import { sourceKeyOf } from './service.js';

/** The uri of a library catalog, as resolution names it in messages and cycle chains. */
export function libraryUri(catalogId: string): string {
  return `library:catalog/${catalogId}`;
}

const LIBRARY_HREF = /^library:catalog\/([^/?#]+)$/;

/**
 * The catalog library as a place profile resolution finds documents (issue 4, item 4). An import
 * href is matched by its file name without extension against the file name each catalog was
 * imported from, so NIST's `…/NIST_SP-800-53_rev5_catalog.xml` finds the catalog imported as
 * `NIST_SP-800-53_rev5_catalog.json`; when several imports share the name, the latest wins (a new
 * edition replaces the old one for resolution without deleting it). `library:catalog/<id>` names
 * one catalog exactly. Fragments (`#uuid`) are the resolver's business (back-matter), not ours.
 *
 * Stored documents were validated at import and never change, so they are parsed without being
 * validated again, and each catalog once per source.
 */
export function librarySource(db: Kysely<Database>): DocumentSource {
  const loaded = new Map<string, Promise<LoadedDocument>>();
  const load = (row: repo.CatalogRow): Promise<LoadedDocument> => {
    let found = loaded.get(row.id);
    if (!found) {
      found = Promise.resolve({
        uri: libraryUri(row.id),
        document: {
          kind: 'catalog',
          catalog: (JSON.parse(row.document) as { catalog: Catalog }).catalog,
        },
        bytes: row.document_bytes,
      });
      loaded.set(row.id, found);
    }
    return found;
  };

  return {
    async load(href: string): Promise<LoadedDocument | undefined> {
      if (href.startsWith('#')) return undefined;
      const exact = LIBRARY_HREF.exec(href);
      if (exact?.[1] !== undefined) {
        const row = await repo.findCatalog(db, exact[1]);
        return row && load(row);
      }
      const name = fileNameOf(href);
      if (name === undefined) return undefined;
      const row = await repo.findLatestBySourceKey(db, sourceKeyOf(name));
      return row && load(row);
    },
  };
}
