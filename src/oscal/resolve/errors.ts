import { OscalError } from '../document.js';
import type { OscalIssue } from '../model.js';

/**
 * A profile that cannot be resolved. The message names what and where: the href, the chain of
 * documents that led to it (`a.json → b.json`), the control or parameter id.
 */
export class ResolutionError extends OscalError {
  constructor(message: string, issues: readonly OscalIssue[] = []) {
    super(message, issues);
    this.name = 'ResolutionError';
  }
}

/** A chain of document names as people read it in messages: `a.json → b.json → a.json`. */
export function describeChain(chain: readonly string[]): string {
  return chain.join(' → ');
}
