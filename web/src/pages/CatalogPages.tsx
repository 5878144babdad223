import { hasPower } from '../access';
import {
  api,
  type Catalog,
  type CatalogControl,
  type CatalogDetail,
  type CatalogControlPage,
  type CatalogPart,
} from '../api';
import { TextField, useFields } from '../components/forms';
import { FileUploadForm } from '../components/upload';
import { DataTable, Tag } from '../components/lists';
import { FilterBar, PagedResults, usePagedSearch } from '../components/search';
import { LoadError, Loading, Page, Section } from '../components/Page';
import { formatDateTime } from '../display';
import { Link, navigate, useSearchParams } from '../router';
import { useMe } from '../session';
import { format, strings } from '../strings';
import { useApi, type Loaded } from '../useApi';
import { NotFoundPage } from './NotFoundPage';

/**
 * The catalog library: the list of imported OSCAL catalogs (and, for officers with the
 * manage_catalogs power, the import form), a catalog by family with a search box, and a control
 * with its statement rendered as the server renders it (parameters filled in or spelled out).
 */

const PAGE_SIZE = 25;
/** A family of NIST SP 800-53 has at most about 150 controls and enhancements: one page. */
const FAMILY_PAGE = 200;

function catalogPath(id: string): string {
  return `/catalogs/${encodeURIComponent(id)}`;
}

function controlPath(catalogId: string, controlId: string): string {
  return `${catalogPath(catalogId)}/controls/${encodeURIComponent(controlId)}`;
}

function controlName(control: Pick<CatalogControl, 'id' | 'label'>): string {
  return control.label ?? control.id;
}

export function CatalogsPage() {
  const me = useMe();
  const paged = usePagedSearch<Catalog, { q: string }>(
    '/api/v1/catalogs',
    { q: '' },
    (applied) => ({ q: applied.q.trim(), sort: 'title' }),
    PAGE_SIZE,
  );
  return (
    <Page title={strings.catalogsTitle} intro={strings.catalogsIntro}>
      {hasPower(me, 'manage_catalogs') && <ImportCatalog />}
      <FilterBar
        label={strings.catalogsSearchLabel}
        submitLabel={strings.search}
        onApply={paged.apply}
      >
        <TextField
          form="catalog-filter"
          label={strings.catalogTitleSearchLabel}
          type="search"
          {...paged.search.bind('q')}
        />
      </FilterBar>
      <PagedResults paged={paged} label={strings.catalogsTitle}>
        {(items) => (
          <>
            <thead>
              <tr>
                <th scope="col">{strings.catalogTitleLabel}</th>
                <th scope="col">{strings.catalogVersionLabel}</th>
                <th scope="col">{strings.catalogControlsLabel}</th>
                <th scope="col">{strings.catalogSourceLabel}</th>
                <th scope="col">{strings.catalogImportedLabel}</th>
              </tr>
            </thead>
            <tbody aria-busy={paged.list.loading}>
              {items.map((catalog) => (
                <tr key={catalog.id}>
                  <td>
                    <Link to={catalogPath(catalog.id)}>{catalog.title}</Link>
                  </td>
                  <td>{catalog.version}</td>
                  <td>{catalog.controlCount}</td>
                  <td>
                    <code>{catalog.sourceName}</code>
                  </td>
                  <td>{formatDateTime(catalog.importedAt)}</td>
                </tr>
              ))}
            </tbody>
          </>
        )}
      </PagedResults>
    </Page>
  );
}

/**
 * Upload of an OSCAL file. The file is read in the browser and sent as text with its name (the
 * name says JSON or YAML, and is how profiles find the catalog later). A refusal lists every
 * problem the server found, each with its place in the document (a JSON pointer).
 */
function ImportCatalog() {
  return (
    <Section id="catalog-import" title={strings.catalogImportTitle}>
      <FileUploadForm
        id="catalog-import"
        label={strings.catalogFileLabel}
        hint={strings.catalogFileHint}
        missingMessage={strings.catalogFileMissing}
        buttonLabel={strings.catalogImportButton}
        upload={async (file) => {
          const created = await api.post<Catalog>('/api/v1/catalogs', {
            fileName: file.name,
            content: await file.text(),
          });
          navigate(catalogPath(created.id), {
            flash: format(strings.catalogImported, {
              title: created.title,
              count: String(created.controlCount),
            }),
          });
        }}
      />
    </Section>
  );
}

/** A catalog or control page until its record is there: not found, the error, or loading. */
function NotLoaded({ loaded }: { loaded: Loaded<unknown> }) {
  if (loaded.error?.status === 404) return <NotFoundPage />;
  if (loaded.error) {
    return (
      <Page title={strings.catalogsTitle}>
        <LoadError detail={loaded.error.detail} onRetry={loaded.reload} />
      </Page>
    );
  }
  return <Loading />;
}

export function CatalogPage({ id }: { id: string }) {
  const params = useSearchParams();
  const family = params.get('family') ?? '';
  const q = params.get('q') ?? '';
  const loaded = useApi<CatalogDetail>(`/api/v1/catalogs/${encodeURIComponent(id)}`);
  if (loaded.error || !loaded.data) return <NotLoaded loaded={loaded} />;
  const { catalog, families } = loaded.data;
  const current = families.find((f) => f.id === family);
  return (
    <Page title={catalog.title}>
      <p>
        <Link to="/catalogs">{strings.catalogsBack}</Link>
      </p>
      <dl className="summary">
        <dt>{strings.catalogVersionLabel}</dt>
        <dd>
          {format(strings.catalogVersionValue, {
            version: catalog.version,
            oscal: catalog.oscalVersion,
          })}
        </dd>
        <dt>{strings.catalogControlsLabel}</dt>
        <dd>
          {format(strings.catalogCounts, {
            controls: String(catalog.controlCount),
            withdrawn: String(catalog.withdrawnCount),
            families: String(catalog.familyCount),
          })}
        </dd>
        <dt>{strings.catalogSourceLabel}</dt>
        <dd>
          <code>{catalog.sourceName}</code>
        </dd>
        <dt>{strings.catalogImportedLabel}</dt>
        <dd>
          {format(strings.catalogImportedBy, {
            when: formatDateTime(catalog.importedAt),
            who: catalog.importedBy?.email ?? strings.catalogImportedByShell,
          })}
        </dd>
      </dl>

      <ControlSearch key={q} catalogId={id} q={q} />
      {q !== '' ? (
        <SearchResults key={q} catalogId={id} q={q} />
      ) : current ? (
        <FamilyControls
          key={current.id ?? ''}
          catalogId={id}
          familyId={current.id ?? ''}
          title={current.title}
        />
      ) : (
        <Section id="families" title={strings.catalogFamiliesTitle}>
          <DataTable
            label={strings.catalogFamiliesTitle}
            columns={[
              strings.catalogFamilyLabel,
              strings.catalogControlsLabel,
              strings.catalogEnhancementsLabel,
            ]}
          >
            {families.map((f) => (
              <tr key={f.id ?? ''}>
                <td>
                  {f.id === null ? (
                    f.title
                  ) : (
                    <Link to={`${catalogPath(id)}?family=${encodeURIComponent(f.id)}`}>
                      {f.title}
                    </Link>
                  )}{' '}
                  {f.id && <span className="identifier">{f.id.toUpperCase()}</span>}
                </td>
                <td>{f.controls}</td>
                <td>{f.enhancements}</td>
              </tr>
            ))}
          </DataTable>
        </Section>
      )}
    </Page>
  );
}

function ControlSearch({ catalogId, q }: { catalogId: string; q: string }) {
  const fields = useFields({ q });
  return (
    <FilterBar
      label={strings.catalogSearchLabel}
      submitLabel={strings.search}
      onApply={() => {
        const text = fields.values.q.trim();
        navigate(
          text === ''
            ? catalogPath(catalogId)
            : `${catalogPath(catalogId)}?q=${encodeURIComponent(text)}`,
        );
      }}
    >
      <TextField
        form="control-search"
        label={strings.catalogSearchField}
        hint={strings.catalogSearchHint}
        type="search"
        {...fields.bind('q')}
      />
    </FilterBar>
  );
}

function ControlRows({ catalogId, items }: { catalogId: string; items: CatalogControl[] }) {
  return (
    <>
      <thead>
        <tr>
          <th scope="col">{strings.controlIdLabel}</th>
          <th scope="col">{strings.controlTitleLabel}</th>
          <th scope="col">{strings.catalogFamilyLabel}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((control) => (
          <tr key={control.id}>
            <td>
              <Link to={controlPath(catalogId, control.id)}>{controlName(control)}</Link>
            </td>
            <td>
              {control.depth > 0 && (
                <span className="visually-hidden">{strings.controlEnhancementOf} </span>
              )}
              {control.depth > 0 ? `↳ ${control.title}` : control.title}{' '}
              {control.withdrawn && <Tag>{strings.controlWithdrawn}</Tag>}
            </td>
            <td>{control.familyTitle ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </>
  );
}

function SearchResults({ catalogId, q }: { catalogId: string; q: string }) {
  const paged = usePagedSearch<CatalogControl, Record<string, never>>(
    `/api/v1/catalogs/${encodeURIComponent(catalogId)}/controls`,
    {},
    () => ({ q }),
    PAGE_SIZE,
  );
  return (
    <Section id="search-results" title={format(strings.catalogSearchResults, { q })}>
      <PagedResults paged={paged} label={strings.catalogSearchLabel}>
        {(items) => <ControlRows catalogId={catalogId} items={items} />}
      </PagedResults>
      <p>
        <Link to={catalogPath(catalogId)}>{strings.catalogAllFamilies}</Link>
      </p>
    </Section>
  );
}

function FamilyControls({
  catalogId,
  familyId,
  title,
}: {
  catalogId: string;
  familyId: string;
  title: string;
}) {
  const paged = usePagedSearch<CatalogControl, Record<string, never>>(
    `/api/v1/catalogs/${encodeURIComponent(catalogId)}/controls`,
    {},
    () => ({ family: familyId }),
    FAMILY_PAGE,
  );
  return (
    <Section id="family" title={title}>
      <p>
        <Link to={catalogPath(catalogId)}>{strings.catalogAllFamilies}</Link>
      </p>
      <PagedResults paged={paged} label={title}>
        {(items) => <ControlRows catalogId={catalogId} items={items} />}
      </PagedResults>
    </Section>
  );
}

/** A rendered part: its label, its prose (parameters marked), then its own parts as a list. */
function PartView({ part }: { part: CatalogPart }) {
  return (
    <>
      {(part.label || part.title || part.prose.length > 0) && (
        <p>
          {part.label && <strong>{part.label} </strong>}
          {part.title && <strong>{part.title} </strong>}
          {part.prose.map((segment, index) =>
            segment.param ? (
              <em key={index} className="param" data-param={segment.param.id}>
                {segment.text}
              </em>
            ) : (
              <span key={index}>{segment.text}</span>
            ),
          )}
        </p>
      )}
      {part.parts.length > 0 && (
        <ul className="part-list">
          {part.parts.map((child, index) => (
            <li key={child.id ?? index}>
              <PartView part={child} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

const PART_TITLES: Record<string, string> = {
  statement: strings.controlStatement,
  guidance: strings.controlGuidance,
};

export function ControlPage({ catalogId, controlId }: { catalogId: string; controlId: string }) {
  const loaded = useApi<CatalogControlPage>(
    `/api/v1/catalogs/${encodeURIComponent(catalogId)}/controls/${encodeURIComponent(controlId)}`,
  );
  if (loaded.error || !loaded.data) return <NotLoaded loaded={loaded} />;
  const page = loaded.data;
  const { control } = page;
  const name = `${controlName(control)} ${control.title}`;
  const related = page.links.filter((l) => l.rel === 'related' && l.href.startsWith('#'));
  return (
    <Page title={name}>
      <p>
        <Link to={catalogPath(catalogId)}>{page.catalog.title}</Link>
        {control.familyId && (
          <>
            {' › '}
            <Link to={`${catalogPath(catalogId)}?family=${encodeURIComponent(control.familyId)}`}>
              {control.familyTitle}
            </Link>
          </>
        )}
        {page.parent && (
          <>
            {' › '}
            <Link to={controlPath(catalogId, page.parent.id)}>
              {`${controlName(page.parent)} ${page.parent.title}`}
            </Link>
          </>
        )}
      </p>
      {control.withdrawn && (
        <p>
          <Tag tone="warning">{strings.controlWithdrawn}</Tag>
        </p>
      )}
      {page.parts.map((part, index) => (
        <Section
          key={part.id ?? index}
          id={`part-${String(index)}`}
          title={part.title ?? PART_TITLES[part.name] ?? part.name}
        >
          <PartView part={{ ...part, title: null }} />
        </Section>
      ))}
      {page.params.length > 0 && (
        <Section id="parameters" title={strings.controlParameters}>
          <DataTable
            label={strings.controlParameters}
            columns={[strings.controlParamId, strings.controlParamLabel, strings.controlParamValue]}
          >
            {page.params.map((param) => (
              <tr key={param.id}>
                <td>
                  <code>{param.id}</code>
                </td>
                <td>{param.label ?? ''}</td>
                <td>
                  {param.values.length > 0
                    ? param.values.join(', ')
                    : param.select
                      ? format(
                          param.select.howMany === 'one-or-more'
                            ? strings.controlChooseMany
                            : strings.controlChooseOne,
                          { choices: param.select.choices.join('; ') },
                        )
                      : strings.controlParamOpen}
                </td>
              </tr>
            ))}
          </DataTable>
        </Section>
      )}
      {page.enhancements.length > 0 && (
        <Section id="enhancements" title={strings.controlEnhancements}>
          <ul>
            {page.enhancements.map((e) => (
              <li key={e.id}>
                <Link to={controlPath(catalogId, e.id)}>{`${controlName(e)} ${e.title}`}</Link>{' '}
                {e.withdrawn && <Tag>{strings.controlWithdrawn}</Tag>}
              </li>
            ))}
          </ul>
        </Section>
      )}
      {related.length > 0 && (
        <Section id="related" title={strings.controlRelated}>
          <ul className="inline-list">
            {related.map((link) => (
              <li key={link.href}>
                <Link to={controlPath(catalogId, link.href.slice(1))}>
                  {link.href.slice(1).toUpperCase()}
                </Link>
              </li>
            ))}
          </ul>
        </Section>
      )}
    </Page>
  );
}
