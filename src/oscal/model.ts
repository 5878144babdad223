// The parts of the OSCAL model (1.0.x and 1.1.x) that catalogs and profiles use, as TypeScript
// types. Property names are OSCAL's own JSON names, so a parsed document is used as-is and a
// resolved catalog serialises straight back to valid OSCAL JSON. The shape is checked on import by
// `validate.ts`; these types describe what a valid document looks like.

export interface Property {
  name: string;
  value: string;
  uuid?: string;
  ns?: string;
  class?: string;
  group?: string;
  remarks?: string;
}

export interface Link {
  href: string;
  rel?: string;
  'media-type'?: string;
  'resource-fragment'?: string;
  text?: string;
}

export interface Part {
  id?: string;
  name: string;
  ns?: string;
  class?: string;
  title?: string;
  props?: Property[];
  prose?: string;
  parts?: Part[];
  links?: Link[];
}

export interface ParameterConstraint {
  description?: string;
  tests?: { expression: string; remarks?: string }[];
}

export interface ParameterGuideline {
  prose: string;
}

export interface ParameterSelection {
  'how-many'?: 'one' | 'one-or-more';
  choice?: string[];
}

export interface Parameter {
  id: string;
  class?: string;
  /** OSCAL 1.0 only; 1.1 moved dependencies into props. */
  'depends-on'?: string;
  props?: Property[];
  links?: Link[];
  label?: string;
  usage?: string;
  constraints?: ParameterConstraint[];
  guidelines?: ParameterGuideline[];
  values?: string[];
  select?: ParameterSelection;
  remarks?: string;
}

export interface Control {
  id: string;
  class?: string;
  title: string;
  params?: Parameter[];
  props?: Property[];
  links?: Link[];
  parts?: Part[];
  controls?: Control[];
}

export interface Group {
  id?: string;
  class?: string;
  title: string;
  params?: Parameter[];
  props?: Property[];
  links?: Link[];
  parts?: Part[];
  groups?: Group[];
  controls?: Control[];
}

export interface ResponsibleParty {
  'role-id': string;
  'party-uuids': string[];
  props?: Property[];
  links?: Link[];
  remarks?: string;
}

export interface Metadata {
  title: string;
  published?: string;
  'last-modified': string;
  version: string;
  'oscal-version': string;
  revisions?: Record<string, unknown>[];
  'document-ids'?: { scheme?: string; identifier: string }[];
  props?: Property[];
  links?: Link[];
  roles?: { id: string; title: string; [key: string]: unknown }[];
  locations?: Record<string, unknown>[];
  parties?: { uuid: string; type: string; [key: string]: unknown }[];
  'responsible-parties'?: ResponsibleParty[];
  actions?: Record<string, unknown>[];
  remarks?: string;
}

export interface Resource {
  uuid: string;
  title?: string;
  description?: string;
  props?: Property[];
  'document-ids'?: { scheme?: string; identifier: string }[];
  citation?: { text: string; props?: Property[]; links?: Link[] };
  rlinks?: {
    href: string;
    'media-type'?: string;
    hashes?: { algorithm: string; value: string }[];
  }[];
  base64?: { filename?: string; 'media-type'?: string; value: string };
  remarks?: string;
}

export interface BackMatter {
  resources?: Resource[];
}

export interface Catalog {
  uuid: string;
  metadata: Metadata;
  params?: Parameter[];
  controls?: Control[];
  groups?: Group[];
  'back-matter'?: BackMatter;
}

/** A selection by id or by pattern (`include-controls` and `exclude-controls`). */
export interface SelectControlById {
  'with-child-controls'?: 'yes' | 'no';
  'with-ids'?: string[];
  matching?: { pattern?: string }[];
}

export interface ProfileImport {
  href: string;
  'include-all'?: Record<string, never>;
  'include-controls'?: SelectControlById[];
  'exclude-controls'?: SelectControlById[];
}

export interface InsertControls {
  order?: 'keep' | 'ascending' | 'descending';
  'include-all'?: Record<string, never>;
  'include-controls'?: SelectControlById[];
  'exclude-controls'?: SelectControlById[];
}

export interface CustomGroup {
  id?: string;
  class?: string;
  title: string;
  params?: Parameter[];
  props?: Property[];
  links?: Link[];
  parts?: Part[];
  groups?: CustomGroup[];
  'insert-controls'?: InsertControls[];
}

export interface Merge {
  combine?: { method?: 'use-first' | 'merge' | 'keep' };
  flat?: Record<string, never>;
  'as-is'?: boolean;
  custom?: { groups?: CustomGroup[]; 'insert-controls'?: InsertControls[] };
}

export interface SetParameter {
  'param-id': string;
  class?: string;
  'depends-on'?: string;
  props?: Property[];
  links?: Link[];
  label?: string;
  usage?: string;
  constraints?: ParameterConstraint[];
  guidelines?: ParameterGuideline[];
  values?: string[];
  select?: ParameterSelection;
}

export interface Removal {
  'by-name'?: string;
  'by-class'?: string;
  'by-id'?: string;
  'by-item-name'?: string;
  'by-ns'?: string;
}

export interface Addition {
  position?: 'before' | 'after' | 'starting' | 'ending';
  'by-id'?: string;
  title?: string;
  params?: Parameter[];
  props?: Property[];
  links?: Link[];
  parts?: Part[];
}

export interface Alteration {
  'control-id': string;
  removes?: Removal[];
  adds?: Addition[];
}

export interface Modify {
  'set-parameters'?: SetParameter[];
  alters?: Alteration[];
}

export interface Profile {
  uuid: string;
  metadata: Metadata;
  imports: ProfileImport[];
  merge?: Merge;
  modify?: Modify;
  'back-matter'?: BackMatter;
}

/** A parsed and validated OSCAL document of one of the two kinds we import. */
export type OscalDocument =
  { kind: 'catalog'; catalog: Catalog } | { kind: 'profile'; profile: Profile };

/** One thing wrong with a document: where (an RFC 6901 JSON pointer), which rule, and in words. */
export interface OscalIssue {
  pointer: string;
  rule: string;
  message: string;
}
