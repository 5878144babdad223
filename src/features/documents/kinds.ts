import type { DocumentKind } from '../../db/schema.js';

/** What a document may be for, in the order forms offer them. */
export const DOCUMENT_KINDS: readonly DocumentKind[] = [
  'certificate',
  'contract',
  'legal',
  'architecture',
  'evidence',
  'audit_report',
  'other',
];

export function isDocumentKind(value: string): value is DocumentKind {
  return (DOCUMENT_KINDS as readonly string[]).includes(value);
}
