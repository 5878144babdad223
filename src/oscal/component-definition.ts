// The parts of the OSCAL 1.1.2 component-definition model that we write, as TypeScript types with
// OSCAL's own JSON names, so a built document serialises straight to valid OSCAL JSON. Kept apart
// from model.ts (catalogs and profiles, which we also read and validate): we only ever write
// component definitions, and the official schema is the check of what we write.
import type { BackMatter, Link, Metadata, Property } from './model.js';

/** A role given to parties (or, with no parties, to whoever takes the role, such as a customer). */
export interface ResponsibleRole {
  'role-id': string;
  'party-uuids'?: string[];
  props?: Property[];
  links?: Link[];
  remarks?: string;
}

export interface SetParameterValue {
  'param-id': string;
  values: string[];
  remarks?: string;
}

/** How the component meets one statement of a control. */
export interface ComponentStatement {
  'statement-id': string;
  uuid: string;
  description: string;
  props?: Property[];
  links?: Link[];
  'responsible-roles'?: ResponsibleRole[];
  remarks?: string;
}

/** How the component meets one control. */
export interface ComponentImplementedRequirement {
  uuid: string;
  'control-id': string;
  description: string;
  props?: Property[];
  links?: Link[];
  'set-parameters'?: SetParameterValue[];
  'responsible-roles'?: ResponsibleRole[];
  statements?: ComponentStatement[];
  remarks?: string;
}

/** The controls of one catalog or profile (`source`) that the component meets. */
export interface ComponentControlImplementation {
  uuid: string;
  source: string;
  description: string;
  props?: Property[];
  links?: Link[];
  'set-parameters'?: SetParameterValue[];
  'implemented-requirements': ComponentImplementedRequirement[];
}

export interface DefinedComponent {
  uuid: string;
  /** OSCAL's values include software, hardware, service, policy, process-procedure. */
  type: string;
  title: string;
  description: string;
  purpose?: string;
  props?: Property[];
  links?: Link[];
  'responsible-roles'?: ResponsibleRole[];
  'control-implementations'?: ComponentControlImplementation[];
  remarks?: string;
}

export interface ComponentDefinition {
  uuid: string;
  metadata: Metadata;
  'import-component-definitions'?: { href: string }[];
  components?: DefinedComponent[];
  'back-matter'?: BackMatter;
}
