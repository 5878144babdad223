import type { OscalIssue } from './model.js';

// PLACEHOLDER while the full validator is written: checks only the root. Replaced in this issue.
export function validateOscal(raw: unknown): OscalIssue[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return [{ pointer: '', rule: 'type', message: 'must be a JSON object' }];
  }
  const keys = Object.keys(raw);
  if (keys.length !== 1 || (keys[0] !== 'catalog' && keys[0] !== 'profile')) {
    return [
      { pointer: '', rule: 'root', message: 'must hold exactly one of "catalog" or "profile"' },
    ];
  }
  return [];
}
