import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { OscalError } from '../../oscal/document.js';
import type { Profile } from '../../oscal/model.js';
import { fileNameOf, type DocumentSource, type LoadedDocument } from '../../oscal/sources.js';
import * as repo from './repo.js';

/**
 * Where a level's profile finds the level below it. Two kinds of href name a level:
 *
 * - `level-<code>.json` (as our shipped profiles and every draft write it): the latest published
 *   version of that level. A draft therefore always builds on what is in force below it, and a
 *   publication below shows up in the next resolution of a draft above.
 * - `/api/v1/levels/<code>/versions/<n>/profile.json` (the stable public address of one published
 *   version, with or without scheme and host): exactly that version. Publication rewrites the first
 *   form into this one, so a published version resolves the same way for ever, and the profile
 *   downloaded from that address points any OSCAL tool at the right document.
 *
 * Only published versions are ever answered: a draft is never imported by another level.
 */

const LEVEL_FILE = /^level-([a-z][a-z0-9-]*)\.(json|ya?ml|xml)$/i;
const LEVEL_ADDRESS = /(?:^|\/)api\/v1\/levels\/([a-z][a-z0-9-]*)\/versions\/(\d+)\/profile\.json$/;

/** The level (and, for a pinned address, the version) an href names, or undefined for other hrefs. */
export function levelHref(href: string): { code: string; version: number | null } | undefined {
  const path = href.split(/[?#]/, 1)[0] ?? '';
  const pinned = LEVEL_ADDRESS.exec(path);
  if (pinned?.[1] && pinned[2]) return { code: pinned[1], version: Number(pinned[2]) };
  const name = fileNameOf(href);
  const match = name === undefined ? null : LEVEL_FILE.exec(name);
  return match?.[1] ? { code: match[1].toLowerCase(), version: null } : undefined;
}

/** The stable public address of a published version's profile (relative to the server's root). */
export function profileAddress(code: string, version: number): string {
  return `/api/v1/levels/${code}/versions/${version}/profile.json`;
}

/** The name a version goes by in resolution messages and cycle chains. */
export function versionUri(code: string, version: number | 'draft'): string {
  return `level:${code}@${version}`;
}

/** Parses a stored `{"profile": …}` text; stored documents were validated when they were saved. */
export function storedProfile(text: string): Profile {
  return (JSON.parse(text) as { profile: Profile }).profile;
}

/** Answers level hrefs from the published versions in the database; other hrefs are not its business. */
export function levelSource(db: Kysely<Database>): DocumentSource {
  return {
    async load(href: string): Promise<LoadedDocument | undefined> {
      const named = levelHref(href);
      if (!named) return undefined;
      const level = await repo.findLevelByCode(db, named.code);
      if (!level) return undefined;
      const row =
        named.version === null
          ? await repo.latestPublished(db, level.id)
          : await repo.findVersion(db, level.id, named.version);
      if (!row) return undefined;
      if (row.status !== 'published') {
        throw new OscalError(
          `${href} names version ${row.version} of ${level.title}, which is not published; only published versions can be imported`,
        );
      }
      return {
        uri: versionUri(level.code, row.version),
        document: { kind: 'profile', profile: storedProfile(row.profile) },
        bytes: row.profile.length,
      };
    },
  };
}

/**
 * The profile with each `level-<code>.json` import pinned to the published version it resolves to
 * now (see above). Returns a new profile; the input is not changed.
 */
export async function pinLevelImports(db: Kysely<Database>, profile: Profile): Promise<Profile> {
  const imports = [];
  for (const entry of profile.imports) {
    const named = levelHref(entry.href);
    if (!named || named.version !== null) {
      imports.push(entry);
      continue;
    }
    const level = await repo.findLevelByCode(db, named.code);
    const latest = level && (await repo.latestPublished(db, level.id));
    imports.push(latest ? { ...entry, href: profileAddress(named.code, latest.version) } : entry);
  }
  return { ...profile, imports };
}

/** The profile with pinned level imports turned back into `level-<code>.json`: a new draft follows the latest. */
export function unpinLevelImports(profile: Profile): Profile {
  return {
    ...profile,
    imports: profile.imports.map((entry) => {
      const named = levelHref(entry.href);
      return named && named.version !== null
        ? { ...entry, href: `level-${named.code}.json` }
        : entry;
    }),
  };
}
