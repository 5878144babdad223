// Where profile resolution finds the documents a profile imports. A resolver never opens a path or
// a URL itself: it asks a DocumentSource, and the sources here decide what may be read. Issue 4
// item 4: only named folders (matched by file name) or hosts an administrator allowed.
import fs from 'node:fs/promises';
import path from 'node:path';
import { OscalError, parseOscal, type OscalFormat } from './document.js';
import type { OscalDocument } from './model.js';

export interface LoadedDocument {
  /** Stable name of the document (absolute file path, or e.g. 'library:catalog/<id>'), used in messages and cycle detection. */
  uri: string;
  document: OscalDocument;
  /** Size of the text read, for the byte bound. */
  bytes: number;
}

export interface DocumentSource {
  /**
   * The document that `href` (as written inside the document named `base`) refers to, or
   * undefined if this source has none. Throws OscalError when it found the document but it is not
   * valid OSCAL (or may not be read).
   */
  load(href: string, base: string): Promise<LoadedDocument | undefined>;
}

/** Largest single document a source reads unless told otherwise: the NIST catalog is 3 MiB. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

const OSCAL_EXTENSIONS = ['.json', '.yaml', '.yml', '.xml'] as const;

/**
 * The file name an href names: its last path segment, without query or fragment, percent-decoded.
 * Undefined when there is none (an href ending in '/', '.', '..' or naming a fragment only).
 */
export function fileNameOf(href: string): string | undefined {
  let pathPart = href.split(/[?#]/, 1)[0] ?? '';
  // A URL's path, not its host: "https://example.org" names no file.
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(pathPart);
  if (scheme) pathPart = pathPart.slice(scheme[0].length);
  const last = pathPart.split(/[\\/]/).pop() ?? '';
  let name: string;
  try {
    name = decodeURIComponent(last);
  } catch {
    return undefined;
  }
  if (name === '' || name === '.' || name === '..' || /[\\/\0]/.test(name)) return undefined;
  return name;
}

/**
 * The file names that may satisfy an href naming `name`: itself first, then, when it has an OSCAL
 * extension, the JSON and YAML forms of the same base name (NIST's profiles import the `.xml`
 * catalog; we read JSON and YAML only, so `x.xml` is satisfied by `x.json`, `x.yaml`, `x.yml`).
 */
export function candidateNames(name: string): string[] {
  const extension = path.extname(name).toLowerCase();
  if (!(OSCAL_EXTENSIONS as readonly string[]).includes(extension)) return [name];
  const stem = name.slice(0, name.length - extension.length);
  // OSCAL XML is not read at all, so an `.xml` name is only ever satisfied by another form.
  const names = extension === '.xml' ? [] : [name];
  for (const other of ['.json', '.yaml', '.yml']) {
    if (other !== extension) names.push(stem + other);
  }
  return names;
}

/** True when `target` is `folder` itself or inside it (both already resolved, without symlinks). */
function isInside(folder: string, target: string): boolean {
  const relative = path.relative(folder, target);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Reads and parses one OSCAL file, refusing it before reading when it is larger than allowed. */
async function readOscalFile(
  file: string,
  size: number,
  maxBytes: number,
): Promise<LoadedDocument> {
  if (size > maxBytes) {
    throw new OscalError(
      `${file} is ${size} bytes, more than the ${maxBytes} bytes allowed for one document`,
    );
  }
  // Bytes, not text: parseOscal reads large JSON faster from bytes (see json-text.ts).
  const bytes = await fs.readFile(file);
  const format: OscalFormat = /\.ya?ml$/i.test(file) ? 'yaml' : 'json';
  return {
    uri: file,
    document: parseOscal(bytes, { name: file, format }),
    bytes: bytes.byteLength,
  };
}

/**
 * Documents in the given folders, matched by file name only: the directories in an href are
 * ignored (so `../../../../nist.gov/x/catalog.xml` finds `catalog.json` in a named folder, and can
 * never reach a file outside one). Symbolic links are followed, and refused when they lead out of
 * their folder. The first folder holding a candidate name wins.
 */
export function folderSource(
  folders: readonly string[],
  options: { maxBytes?: number } = {},
): DocumentSource {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  let resolvedFolders: Promise<string[]> | undefined;
  const realFolders = (): Promise<string[]> =>
    (resolvedFolders ??= Promise.all(
      folders.map(async (folder) => {
        try {
          return await fs.realpath(path.resolve(folder));
        } catch {
          throw new OscalError(`the folder ${folder} does not exist or cannot be read`);
        }
      }),
    ));

  return {
    async load(href: string): Promise<LoadedDocument | undefined> {
      const name = fileNameOf(href);
      if (name === undefined) return undefined;
      for (const folder of await realFolders()) {
        for (const candidate of candidateNames(name)) {
          const file = path.join(folder, candidate);
          let real: string;
          try {
            real = await fs.realpath(file);
          } catch {
            continue; // not there (or a dangling link): try the next name
          }
          if (!isInside(folder, real)) {
            throw new OscalError(
              `${file} is a link to ${real}, outside the allowed folder ${folder}; it was not read`,
            );
          }
          const stat = await fs.stat(real);
          if (!stat.isFile()) continue;
          return readOscalFile(real, stat.size, maxBytes);
        }
      }
      return undefined;
    },
  };
}

/** Asks each source in turn; the first that has the document answers. */
export function combineSources(...sources: DocumentSource[]): DocumentSource {
  return {
    async load(href: string, base: string): Promise<LoadedDocument | undefined> {
      for (const source of sources) {
        const found = await source.load(href, base);
        if (found) return found;
      }
      return undefined;
    },
  };
}

/** True for an href that is an http(s) URL, the only network addresses a profile may name. */
export function isNetworkHref(href: string): boolean {
  return /^https?:\/\//i.test(href);
}

/**
 * Documents fetched over http(s) from the hosts an administrator allowed (exact host names, with
 * port when not the default). Any other host is refused with an OscalError before a connection is
 * made; redirects are refused too (they could lead to any host); the body is read up to `maxBytes`.
 * Hrefs that are not http(s) URLs are not this source's business.
 */
export function httpSource(
  allowedHosts: readonly string[],
  options: { maxBytes?: number; timeoutMs?: number; fetch?: typeof fetch } = {},
): DocumentSource {
  const allowed = new Set(allowedHosts.map((host) => host.toLowerCase()));
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  const doFetch = options.fetch ?? fetch;
  return {
    async load(href: string): Promise<LoadedDocument | undefined> {
      if (!isNetworkHref(href)) return undefined;
      let url: URL;
      try {
        url = new URL(href);
      } catch {
        throw new OscalError(`${href} is not a valid URL`);
      }
      if (!allowed.has(url.host.toLowerCase())) {
        throw new OscalError(
          `${href} is on host ${url.host}, which is not an allowed host for imports`,
        );
      }
      const response = await doFetch(url, {
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      if (response.status === 404) return undefined;
      if (!response.ok || !response.body) {
        throw new OscalError(`${href} answered HTTP ${response.status}`);
      }
      const declared = Number(response.headers.get('content-length') ?? '0');
      if (declared > maxBytes) {
        throw new OscalError(`${href} is ${declared} bytes, more than the ${maxBytes} allowed`);
      }
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        if (bytes > maxBytes) {
          await reader.cancel();
          throw new OscalError(`${href} is more than the ${maxBytes} bytes allowed`);
        }
        chunks.push(value);
      }
      const text = Buffer.concat(chunks);
      const type = response.headers.get('content-type') ?? '';
      const format: OscalFormat =
        /ya?ml/i.test(type) || /\.ya?ml$/i.test(url.pathname) ? 'yaml' : 'json';
      return { uri: url.href, document: parseOscal(text, { name: url.href, format }), bytes };
    },
  };
}
