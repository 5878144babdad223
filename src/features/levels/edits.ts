import { AppError } from '../../errors.js';
import type { Profile } from '../../oscal/model.js';

/**
 * Targeted edits of a draft profile, as officers make them from the portal or the API: the title
 * and remarks, a parameter's values (modify/set-parameters), and controls added to or removed from
 * one import. Pure: the profile in, a new profile out.
 */

/** Targeted changes to a draft; each names what it changes. */
export interface DraftEdits {
  title?: string;
  remarks?: string | null;
  setParameters?: { paramId: string; values: string[] }[];
  addControls?: { href: string; ids: string[] };
  removeControls?: { href: string; ids: string[] };
}

/** The profile with `edits` applied (pure). Throws AppError when an edit names an import the profile lacks. */
export function applyEdits(profile: Profile, edits: DraftEdits): Profile {
  const next = structuredClone(profile);
  if (edits.title !== undefined) next.metadata.title = edits.title;
  if (edits.remarks !== undefined) {
    if (edits.remarks === null || edits.remarks.trim() === '') delete next.metadata.remarks;
    else next.metadata.remarks = edits.remarks;
  }
  for (const setting of edits.setParameters ?? []) {
    next.modify ??= {};
    const list = (next.modify['set-parameters'] ??= []);
    const existing = list.find((s) => s['param-id'] === setting.paramId);
    if (existing) existing.values = setting.values;
    else list.push({ 'param-id': setting.paramId, values: setting.values });
  }
  const importOf = (href: string, pointer: string) => {
    const found = next.imports.find((entry) => entry.href === href);
    if (!found) {
      throw AppError.badRequest(
        'unknown_import',
        `The draft has no import ${JSON.stringify(href)}; its imports are ${next.imports.map((e) => JSON.stringify(e.href)).join(', ')}.`,
        [{ in: 'body', pointer, message: 'names no import of the draft' }],
      );
    }
    return found;
  };
  if (edits.addControls) {
    const entry = importOf(edits.addControls.href, '/addControls/href');
    const adding = new Set(edits.addControls.ids);
    for (const selection of entry['exclude-controls'] ?? []) {
      if (selection['with-ids'])
        selection['with-ids'] = selection['with-ids'].filter((id) => !adding.has(id));
    }
    entry['exclude-controls'] = (entry['exclude-controls'] ?? []).filter(
      (s) => (s['with-ids']?.length ?? 0) > 0 || (s.matching?.length ?? 0) > 0,
    );
    if (entry['exclude-controls'].length === 0) delete entry['exclude-controls'];
    if (!entry['include-all']) {
      const selections = (entry['include-controls'] ??= []);
      const target = selections.find((s) => s['with-ids']) ?? selections[0] ?? {};
      if (!selections.includes(target)) selections.push(target);
      const ids = (target['with-ids'] ??= []);
      const present = new Set(selections.flatMap((s) => s['with-ids'] ?? []));
      for (const id of edits.addControls.ids) if (!present.has(id)) ids.push(id);
    }
  }
  if (edits.removeControls) {
    const entry = importOf(edits.removeControls.href, '/removeControls/href');
    const removing = new Set(edits.removeControls.ids);
    for (const selection of entry['include-controls'] ?? []) {
      if (selection['with-ids'])
        selection['with-ids'] = selection['with-ids'].filter((id) => !removing.has(id));
    }
    const kept = (entry['include-controls'] ?? []).filter(
      (s) => (s['with-ids']?.length ?? 0) > 0 || (s.matching?.length ?? 0) > 0,
    );
    // What include-all or a pattern would still bring in is kept out by exclude-controls.
    if (entry['include-all'] || kept.some((s) => (s.matching?.length ?? 0) > 0)) {
      const excluded = (entry['exclude-controls'] ??= []);
      const target = excluded.find((s) => s['with-ids']) ?? { 'with-ids': [] };
      if (!excluded.includes(target)) excluded.push(target);
      const ids = (target['with-ids'] ??= []);
      for (const id of edits.removeControls.ids) if (!ids.includes(id)) ids.push(id);
    }
    if (!entry['include-all'] && kept.length === 0) {
      throw AppError.badRequest(
        'import_would_be_empty',
        `Removing these controls would leave the import ${JSON.stringify(entry.href)} selecting nothing; replace the whole profile to drop an import.`,
        [
          {
            in: 'body',
            pointer: '/removeControls/ids',
            message: 'would remove every control of the import',
          },
        ],
      );
    }
    if (entry['include-controls']) entry['include-controls'] = kept;
    if (entry['include-controls']?.length === 0) delete entry['include-controls'];
  }
  return next;
}
