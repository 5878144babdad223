// OSCAL profile resolution: a profile and the documents it imports become one catalog
// (NIST's OSCAL profile resolution specification). The phases live beside this file: import.ts
// (select), merge.ts (combine and structure), modify.ts (set-parameters and alters),
// finalize.ts (metadata, back-matter, ordering, pruning). This file loads the imported
// documents through a DocumentSource, within bounds, and runs the phases. No file or network
// access happens here except through the source.
import { randomUUID } from 'node:crypto';
import { OscalError } from '../document.js';
import type { Catalog, Profile, ProfileImport, Resource } from '../model.js';
import { isNetworkHref, type DocumentSource, type LoadedDocument } from '../sources.js';
import { describeChain, ResolutionError } from './errors.js';
import { finalizeCatalog } from './finalize.js';
import { selectFromCatalog, type Origins, type Selection } from './import.js';
import { mergeSelections } from './merge.js';
import { modifyBody } from './modify.js';

export { ResolutionError } from './errors.js';

export interface ResolveLimits {
  /** How deep imports may nest: a profile importing a catalog is depth 1. */
  maxDepth?: number;
  /** How many distinct documents one resolution may load. */
  maxDocuments?: number;
  /** How many bytes of documents one resolution may load in total. */
  maxBytes?: number;
}

export interface ResolveOptions {
  source: DocumentSource;
  /** Name of the profile being resolved (messages, cycle chains, metadata link). */
  uri: string;
  limits?: ResolveLimits;
  /** The resolved catalog's last-modified. */
  now?: Date;
  /** The resolved catalog's uuid. */
  uuid?: () => string;
  /** Default 'error'. 'report': an import whose document no source has is skipped and listed. */
  missingImports?: 'error' | 'report';
}

export interface ResolvedProfile {
  catalog: Catalog;
  /** Only with missingImports 'report': imports skipped because no source had them, with the control ids they named (with-ids). */
  missing: { href: string; chain: string[]; withIds: string[] }[];
}

export const DEFAULT_LIMITS: Required<ResolveLimits> = {
  maxDepth: 8,
  maxDocuments: 64,
  maxBytes: 64 * 1024 * 1024,
};

interface Run {
  source: DocumentSource;
  limits: Required<ResolveLimits>;
  now: Date;
  uuid: () => string;
  missingImports: 'error' | 'report';
  missing: ResolvedProfile['missing'];
  /** Documents already loaded, by uri: each counts once against the bounds. */
  loaded: Map<string, LoadedDocument>;
  /** Profiles already resolved, by uri (a profile imported twice is resolved once). */
  resolved: Map<string, Catalog>;
  bytes: number;
}

/**
 * Resolves a profile into a catalog. The result shares unchanged parts (props, parts, params of
 * controls nobody modified) with the imported documents: treat both as read-only, or clone.
 */
export async function resolveProfile(
  profile: Profile,
  options: ResolveOptions,
): Promise<ResolvedProfile> {
  const run: Run = {
    source: options.source,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    now: options.now ?? new Date(),
    uuid: options.uuid ?? randomUUID,
    missingImports: options.missingImports ?? 'error',
    missing: [],
    loaded: new Map(),
    resolved: new Map(),
    bytes: 0,
  };
  const catalog = await resolveWithin(run, profile, [options.uri]);
  return { catalog, missing: run.missing };
}

/** Resolves `profile`, the last document of `chain` (the documents that led to it, first the root). */
async function resolveWithin(run: Run, profile: Profile, chain: string[]): Promise<Catalog> {
  const uri = chain[chain.length - 1] as string;
  const origins: Origins = new WeakMap();
  const selections: Selection[] = [];
  for (const [index, instruction] of profile.imports.entries()) {
    const where = `import ${index + 1} (href ${instruction.href}) of ${describeChain(chain)}`;
    const loaded = await loadImport(run, profile, instruction, chain, where);
    if (!loaded) continue;
    const catalog = await catalogOf(run, loaded, chain, where);
    selections.push(selectFromCatalog(catalog, loaded.uri, instruction, origins));
  }
  const body = mergeSelections(selections, profile.merge, origins);
  modifyBody(body, profile.modify);
  return finalizeCatalog({
    profile,
    uri,
    body,
    resourcePools: [...selections.map((s) => s.resources), profile['back-matter']?.resources ?? []],
    uuid: run.uuid(),
    now: run.now,
  });
}

/** The imported document as a catalog: a catalog as it is, a profile resolved first (recursively). */
async function catalogOf(
  run: Run,
  loaded: LoadedDocument,
  chain: string[],
  where: string,
): Promise<Catalog> {
  if (loaded.document.kind === 'catalog') return loaded.document.catalog;
  const done = run.resolved.get(loaded.uri);
  if (done) return done;
  try {
    const catalog = await resolveWithin(run, loaded.document.profile, [...chain, loaded.uri]);
    run.resolved.set(loaded.uri, catalog);
    return catalog;
  } catch (error) {
    if (error instanceof ResolutionError) throw error;
    throw new ResolutionError(`${where}: ${(error as Error).message}`);
  }
}

/**
 * The document an import names: `#uuid` is a resource of the importing profile's back-matter,
 * whose rlinks are tried in order; any other href goes to the source. Enforces the bounds and
 * detects cycles. Undefined only when the document is missing and missing imports are reported.
 */
async function loadImport(
  run: Run,
  profile: Profile,
  instruction: ProfileImport,
  chain: string[],
  where: string,
): Promise<LoadedDocument | undefined> {
  const base = chain[chain.length - 1] as string;
  const hrefs = hrefsOf(profile, instruction.href, where);
  let loaded: LoadedDocument | undefined;
  for (const href of hrefs) {
    try {
      loaded = await run.source.load(href, base);
    } catch (error) {
      if (error instanceof OscalError) {
        throw new ResolutionError(`${where}: ${error.message}`, error.issues);
      }
      throw error;
    }
    if (loaded) break;
  }
  if (!loaded) {
    const network = hrefs.filter(isNetworkHref);
    const tried = hrefs.length === 1 ? `${hrefs[0]}` : `any of ${hrefs.join(', ')}`;
    if (run.missingImports === 'report') {
      run.missing.push({
        href: instruction.href,
        chain: [...chain],
        withIds: (instruction['include-controls'] ?? []).flatMap((s) => s['with-ids'] ?? []),
      });
      return undefined;
    }
    throw new ResolutionError(
      network.length === hrefs.length
        ? `${where}: ${tried} is a network address on a host that is not allowed, and no allowed folder has a file of that name`
        : `${where}: no allowed folder or library has a document for ${tried} (matched by file name; an .xml name is satisfied by the .json, .yaml or .yml of the same name)`,
    );
  }
  if (chain.includes(loaded.uri)) {
    throw new ResolutionError(
      `cyclic import: ${describeChain([...chain, loaded.uri])} (${where} leads back to a document that is already being resolved)`,
    );
  }
  if (chain.length > run.limits.maxDepth) {
    throw new ResolutionError(
      `${where}: imports nest deeper than the ${run.limits.maxDepth} levels allowed (${describeChain([...chain, loaded.uri])})`,
    );
  }
  if (!run.loaded.has(loaded.uri)) {
    if (run.loaded.size + 1 > run.limits.maxDocuments) {
      throw new ResolutionError(
        `${where}: resolving would load more than the ${run.limits.maxDocuments} documents allowed`,
      );
    }
    run.bytes += loaded.bytes;
    if (run.bytes > run.limits.maxBytes) {
      throw new ResolutionError(
        `${where}: the imported documents add up to more than the ${run.limits.maxBytes} bytes allowed`,
      );
    }
    run.loaded.set(loaded.uri, loaded);
  }
  return run.loaded.get(loaded.uri);
}

/** The hrefs to try for an import: the rlinks of a back-matter resource, or the href itself. */
function hrefsOf(profile: Profile, href: string, where: string): string[] {
  if (!href.startsWith('#')) return [href];
  const uuid = href.slice(1);
  const resource: Resource | undefined = profile['back-matter']?.resources?.find(
    (r) => r.uuid === uuid,
  );
  if (!resource) {
    throw new ResolutionError(`${where}: the profile's back-matter has no resource ${uuid}`);
  }
  const rlinks = (resource.rlinks ?? []).map((r) => r.href);
  if (rlinks.length === 0) {
    throw new ResolutionError(`${where}: back-matter resource ${uuid} has no rlink to follow`);
  }
  return rlinks;
}
