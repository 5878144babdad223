import { useRef, useState, type ReactNode } from 'react';
import { isOfficeStaff, may } from '../access';
import {
  api,
  ApiError,
  type LevelSummary,
  type Me,
  type Organization,
  type Page as ListPage,
} from '../api';
import {
  APPLICATIONS,
  type Application,
  type ApplicationList,
  type ApplicationStatus,
} from '../applications-api';
import {
  SelectField,
  SubmitForm,
  TextAreaField,
  TextField,
  missing,
  useFields,
  useSubmit,
  type FormProblem,
} from '../components/forms';
import { DataTable, Tag } from '../components/lists';
import { LoadError, Loading, Page, Section, StatusMessage } from '../components/Page';
import { FilterBar, PagedResults, usePagedSearch } from '../components/search';
import { countryList, countryName, countryOptions } from '../countries';
import { formatDateTime, formatDay } from '../display';
import {
  CERTIFICATION_SCHEMES,
  CONTACT_ROLES,
  DEPLOYMENT_MODELS,
  LOCATION_PURPOSES,
  SERVICE_MODELS,
  documentContentPath,
  uploadDocument,
  withNestedFields,
  type CertificationScheme,
  type ContactRole,
  type LocationPurpose,
  type Offering,
  type OfferingInput,
  type StoredDocument,
} from '../offerings-api';
import { Link, navigate } from '../router';
import { useMe } from '../session';
import { format, strings } from '../strings';
import { useApi } from '../useApi';
import { NotFoundPage } from './NotFoundPage';

/**
 * Cloud service offerings (issue 5): a provider describes what it sells (models, data centres,
 * certifications, contacts) and applies to accredit it at a security level. Officers see every
 * provider's offerings; a provider sees its own (the server decides).
 */

const OFFERINGS = '/api/v1/offerings';
const PAGE_SIZE = 25;
/** The most the API lists at once. */
const MAX_LIST = 200;

export const offeringPath = (id: string) => `${OFFERINGS}/${encodeURIComponent(id)}`;

const serviceModelOptions = SERVICE_MODELS.map((model) => ({
  value: model,
  label: strings.serviceModels[model],
}));
const deploymentModelOptions = DEPLOYMENT_MODELS.map((model) => ({
  value: model,
  label: strings.deploymentModels[model],
}));

/** A tone for an application's status: granted, stopped for good, or still moving. */
export function applicationStatusTag(status: ApplicationStatus) {
  const tone =
    status === 'accredited'
      ? 'good'
      : status === 'refused' || status === 'revoked' || status === 'suspended'
        ? 'bad'
        : status === 'returned' || status === 'legal_returned'
          ? 'warning'
          : 'neutral';
  return <Tag tone={tone}>{strings.applicationStatuses[status] ?? status}</Tag>;
}

/** `/offerings`: the offerings the user may see, with an empty state that says what to do. */
export function OfferingsPage() {
  const me = useMe();
  const office = isOfficeStaff(me);
  const paged = usePagedSearch<Offering, { q: string; serviceModel: string }>(
    OFFERINGS,
    { q: '', serviceModel: '' },
    (applied) => ({ q: applied.q.trim(), serviceModel: applied.serviceModel }),
    PAGE_SIZE,
  );
  const { search } = paged;
  // Whether there is any offering at all, whatever the filter: the empty state says what to do.
  const any = useApi<ListPage<Offering>>(OFFERINGS, { limit: 1 });
  const empty = any.data?.total === 0;

  return (
    <Page
      title={strings.offeringsTitle}
      intro={office ? strings.offeringsIntroOffice : strings.offeringsIntro}
    >
      {may.editOfferings(me) && (
        <p className="button-row">
          <Link to="/offerings/new" className="button">
            {strings.offeringNewLink}
          </Link>
        </p>
      )}
      {empty ? (
        <div className="notice">
          <p>{office ? strings.offeringsEmptyOffice : strings.offeringsEmpty}</p>
        </div>
      ) : (
        <>
          <FilterBar
            label={strings.offeringsSearchLabel}
            submitLabel={strings.search}
            onApply={paged.apply}
          >
            <TextField
              form="offering-filter"
              label={strings.nameSearchLabel}
              type="search"
              {...search.bind('q')}
            />
            <SelectField
              form="offering-filter"
              label={strings.offeringServiceModel}
              options={[{ value: '', label: strings.offeringAnyModel }, ...serviceModelOptions]}
              {...search.bind('serviceModel')}
            />
          </FilterBar>
          <PagedResults paged={paged} label={strings.offeringsTitle}>
            {(items) => (
              <>
                <thead>
                  <tr>
                    <th scope="col">{strings.nameLabel}</th>
                    {office && <th scope="col">{strings.offeringProvider}</th>}
                    <th scope="col">{strings.offeringServiceModel}</th>
                    <th scope="col">{strings.offeringDeploymentModel}</th>
                    <th scope="col">{strings.offeringCustomerDataCountries}</th>
                    <th scope="col">{strings.updatedLabel}</th>
                  </tr>
                </thead>
                <tbody aria-busy={paged.list.loading}>
                  {items.map((offering) => (
                    <tr key={offering.id}>
                      <td>
                        <Link to={`/offerings/${offering.id}`}>{offering.name}</Link>
                      </td>
                      {office && <td>{offering.organizationName}</td>}
                      <td>{strings.serviceModels[offering.serviceModel]}</td>
                      <td>{strings.deploymentModels[offering.deploymentModel]}</td>
                      <td>{countryList(offering.residency.customerDataCountries)}</td>
                      <td>{formatDateTime(offering.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </>
            )}
          </PagedResults>
        </>
      )}
    </Page>
  );
}

/** `/offerings/new`: describe an offering; officers choose the provider. */
export function NewOfferingPage() {
  const me = useMe();
  return (
    <Page title={strings.offeringNewTitle} intro={strings.offeringNewIntro}>
      <OfferingForm
        me={me}
        submitLabel={strings.offeringCreateSubmit}
        save={async (input) => {
          const created = await api.post<Offering>(OFFERINGS, input);
          navigate(`/offerings/${created.id}`, {
            flash: format(strings.offeringCreated, { name: created.name }),
          });
        }}
      />
    </Page>
  );
}

/** `/offerings/:id`: the offering, its editing, applying for accreditation and its applications. */
export function OfferingPage({ id }: { id: string }) {
  const me = useMe();
  const offering = useApi<Offering>(offeringPath(id));
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);

  if (offering.error?.status === 404) return <NotFoundPage record />;
  const record = offering.data;
  return (
    <Page title={record?.name ?? strings.offeringTitle}>
      <StatusMessage message={saved} />
      {offering.error ? (
        <LoadError detail={offering.error.detail} onRetry={offering.reload} />
      ) : !record ? (
        <Loading />
      ) : (
        <>
          <OfferingFacts offering={record} />
          {may.editOfferings(me) && (
            <>
              <p className="button-row">
                <button
                  type="button"
                  ref={editButton}
                  className="button button-secondary"
                  aria-expanded={editing}
                  aria-controls="edit-offering"
                  onClick={() => {
                    setSaved(null);
                    setEditing(!editing);
                  }}
                >
                  {strings.offeringEdit}
                </button>
              </p>
              {editing && (
                <Section id="edit-offering-section" title={strings.offeringEditHeading}>
                  <div id="edit-offering">
                    <OfferingForm
                      me={me}
                      offering={record}
                      submitLabel={strings.save}
                      onCancel={() => {
                        setEditing(false);
                        editButton.current?.focus();
                      }}
                      save={async (input) => {
                        await api.patch<Offering>(offeringPath(record.id), input);
                        setEditing(false);
                        setSaved(strings.offeringSaved);
                        offering.reload();
                        editButton.current?.focus();
                      }}
                    />
                  </div>
                </Section>
              )}
            </>
          )}
          <OfferingApplications offering={record} />
        </>
      )}
    </Page>
  );
}

function OfferingFacts({ offering }: { offering: Offering }) {
  return (
    <>
      <Section id="offering-details" title={strings.offeringDetailsHeading}>
        <dl className="facts facts-wide">
          <dt>{strings.offeringProvider}</dt>
          <dd>
            <Link to={`/organizations/${offering.organizationId}`}>
              {offering.organizationName}
            </Link>
          </dd>
          <dt>{strings.offeringDescription}</dt>
          <dd className="statement">{offering.description}</dd>
          <dt>{strings.offeringServiceModel}</dt>
          <dd>{strings.serviceModels[offering.serviceModel]}</dd>
          <dt>{strings.offeringDeploymentModel}</dt>
          <dd>{strings.deploymentModels[offering.deploymentModel]}</dd>
          <dt>{strings.offeringWebsite}</dt>
          <dd className="break">
            {offering.website ? (
              <a href={offering.website} rel="noopener noreferrer">
                {offering.website}
              </a>
            ) : (
              strings.none
            )}
          </dd>
          <dt>{strings.offeringCustomerDataCountries}</dt>
          <dd>{countryList(offering.residency.customerDataCountries)}</dd>
          <dt>{strings.updatedLabel}</dt>
          <dd>{formatDateTime(offering.updatedAt)}</dd>
        </dl>
      </Section>
      <Section id="offering-locations" title={strings.offeringLocationsHeading}>
        <DataTable
          label={strings.offeringLocationsHeading}
          columns={[
            strings.offeringCountry,
            strings.offeringCity,
            strings.offeringOperator,
            strings.offeringPurpose,
          ]}
        >
          {offering.locations.map((location, index) => (
            <tr key={index}>
              <td>{countryName(location.country)}</td>
              <td>{location.city}</td>
              <td>{location.operator}</td>
              <td>{strings.locationPurposes[location.purpose]}</td>
            </tr>
          ))}
        </DataTable>
      </Section>
      <Section id="offering-certifications" title={strings.offeringCertificationsHeading}>
        {offering.certifications.length === 0 ? (
          <p>{strings.offeringNoCertifications}</p>
        ) : (
          <DataTable
            label={strings.offeringCertificationsHeading}
            columns={[
              strings.offeringScheme,
              strings.offeringCertificateNumber,
              strings.offeringIssuer,
              strings.offeringIssuedOn,
              strings.offeringExpiresOn,
              strings.offeringCertificateDocument,
            ]}
          >
            {offering.certifications.map((certification, index) => (
              <tr key={index}>
                <td>
                  {certification.scheme === 'other'
                    ? (certification.name ?? strings.certificationSchemes.other)
                    : strings.certificationSchemes[certification.scheme]}
                </td>
                <td>{certification.certificateNumber ?? strings.none}</td>
                <td>{certification.issuer}</td>
                <td>{certification.issuedOn ? formatDay(certification.issuedOn) : strings.none}</td>
                <td>
                  {formatDay(certification.expiresOn)}
                  {certification.expired && (
                    <>
                      {' '}
                      <Tag tone="bad">{strings.offeringExpired}</Tag>
                    </>
                  )}
                </td>
                <td>
                  {certification.documentId ? (
                    <DocumentLink id={certification.documentId} />
                  ) : (
                    strings.none
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>
      <Section id="offering-contacts" title={strings.offeringContactsHeading}>
        {offering.contacts.length === 0 ? (
          <p>{strings.offeringNoContacts}</p>
        ) : (
          <DataTable
            label={strings.offeringContactsHeading}
            columns={[
              strings.offeringContactRole,
              strings.nameLabel,
              strings.emailLabel,
              strings.offeringPhone,
            ]}
          >
            {offering.contacts.map((contact, index) => (
              <tr key={index}>
                <td>{strings.contactRoles[contact.role]}</td>
                <td>{contact.name}</td>
                <td className="break">{contact.email}</td>
                <td>{contact.phone ?? strings.none}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>
    </>
  );
}

/** A stored document by its file name, as a download link; its id until the name arrives. */
export function DocumentLink({ id }: { id: string }) {
  const document = useApi<StoredDocument>(`/api/v1/documents/${encodeURIComponent(id)}`);
  return (
    <a href={documentContentPath(id)} download>
      {document.data?.fileName ?? format(strings.documentById, { id })}
    </a>
  );
}

// The form that describes an offering, for creating and for editing.

interface LocationRow {
  key: number;
  country: string;
  city: string;
  operator: string;
  purpose: LocationPurpose;
}

interface CertificationRow {
  key: number;
  scheme: CertificationScheme;
  name: string;
  certificateNumber: string;
  issuer: string;
  issuedOn: string;
  expiresOn: string;
  documentId: string | null;
  /** A file chosen to upload as the certificate when the form is saved. */
  file: File | null;
}

interface ContactRow {
  key: number;
  role: ContactRole;
  name: string;
  email: string;
  phone: string;
}

let nextKey = 1;
const newKey = () => nextKey++;

const emptyLocation = (purpose: LocationPurpose = 'customer_data'): LocationRow => ({
  key: newKey(),
  country: '',
  city: '',
  operator: '',
  purpose,
});
const emptyCertification = (): CertificationRow => ({
  key: newKey(),
  scheme: 'iso27001',
  name: '',
  certificateNumber: '',
  issuer: '',
  issuedOn: '',
  expiresOn: '',
  documentId: null,
  file: null,
});
const emptyContact = (): ContactRow => ({
  key: newKey(),
  role: 'primary',
  name: '',
  email: '',
  phone: '',
});

const FORM = 'offering';
const text = (value: string) => value.trim() || null;

/** Field names of the rows, as the server's pointers become them (see withNestedFields). */
const rowField = (list: string, index: number, field: string) => `${list}-${index}-${field}`;

/** A form's problem for one field of one row. */
function rowError(problem: FormProblem | null, list: string, index: number, field: string) {
  return problem?.fields[rowField(list, index, field)];
}

/** Moves focus to an element once React has drawn it. */
function focusSoon(id: string) {
  window.setTimeout(() => document.getElementById(id)?.focus(), 0);
}

/** Creating or editing an offering: its details and its three lists, each row removable. */
function OfferingForm({
  me,
  offering,
  submitLabel,
  save,
  onCancel,
}: {
  me: Me;
  offering?: Offering;
  submitLabel: string;
  save: (input: OfferingInput) => Promise<void>;
  onCancel?: () => void;
}) {
  const office = isOfficeStaff(me);
  const choosesProvider = office && !offering;
  const details = useFields({
    organizationId: '',
    name: offering?.name ?? '',
    description: offering?.description ?? '',
    serviceModel: offering?.serviceModel ?? 'saas',
    deploymentModel: offering?.deploymentModel ?? 'public',
    website: offering?.website ?? '',
  });
  const [locations, setLocations] = useState<LocationRow[]>(() =>
    offering
      ? offering.locations.map((location) => ({ ...location, key: newKey() }))
      : [emptyLocation()],
  );
  const [certifications, setCertifications] = useState<CertificationRow[]>(() =>
    (offering?.certifications ?? []).map((certification) => ({
      key: newKey(),
      scheme: certification.scheme,
      name: certification.name ?? '',
      certificateNumber: certification.certificateNumber ?? '',
      issuer: certification.issuer,
      issuedOn: certification.issuedOn ?? '',
      expiresOn: certification.expiresOn,
      documentId: certification.documentId,
      file: null,
    })),
  );
  const [contacts, setContacts] = useState<ContactRow[]>(() =>
    (offering?.contacts ?? []).map((contact) => ({
      ...contact,
      phone: contact.phone ?? '',
      key: newKey(),
    })),
  );
  const submit = useSubmit();
  const providers = useApi<ListPage<Organization>>(
    choosesProvider ? '/api/v1/organizations' : null,
    {
      kind: 'csp',
      status: 'active',
      limit: MAX_LIST,
    },
  );

  const labels: Record<string, string> = {
    organizationId: strings.offeringProvider,
    name: strings.offeringName,
    description: strings.offeringDescription,
    serviceModel: strings.offeringServiceModel,
    deploymentModel: strings.offeringDeploymentModel,
    website: strings.offeringWebsite,
    locations: strings.offeringLocationsHeading,
    certifications: strings.offeringCertificationsHeading,
    contacts: strings.offeringContactsHeading,
  };
  const rowLabel = (list: string, index: number, field: string, label: string, heading: string) => {
    labels[rowField(list, index, field)] = `${format(heading, { n: String(index + 1) })}: ${label}`;
  };
  locations.forEach((_, index) => {
    for (const [field, label] of [
      ['country', strings.offeringCountry],
      ['city', strings.offeringCity],
      ['operator', strings.offeringOperator],
      ['purpose', strings.offeringPurpose],
    ] as const) {
      rowLabel('locations', index, field, label, strings.offeringLocationN);
    }
  });
  certifications.forEach((_, index) => {
    for (const [field, label] of [
      ['scheme', strings.offeringScheme],
      ['name', strings.offeringSchemeName],
      ['certificateNumber', strings.offeringCertificateNumber],
      ['issuer', strings.offeringIssuer],
      ['issuedOn', strings.offeringIssuedOn],
      ['expiresOn', strings.offeringExpiresOn],
      ['documentId', strings.offeringCertificateDocument],
    ] as const) {
      rowLabel('certifications', index, field, label, strings.offeringCertificationN);
    }
  });
  contacts.forEach((_, index) => {
    for (const [field, label] of [
      ['role', strings.offeringContactRole],
      ['name', strings.nameLabel],
      ['email', strings.emailLabel],
      ['phone', strings.offeringPhone],
    ] as const) {
      rowLabel('contacts', index, field, label, strings.offeringContactN);
    }
  });

  const check = () => {
    const fields = missing(details.values, [
      ...(choosesProvider ? ['organizationId'] : []),
      'name',
      'description',
    ]);
    const need = (list: string, index: number, field: string, value: string) => {
      if (value.trim() === '') fields[rowField(list, index, field)] = strings.errorRequired;
    };
    locations.forEach((location, index) => {
      need('locations', index, 'country', location.country);
      need('locations', index, 'city', location.city);
      need('locations', index, 'operator', location.operator);
    });
    if (!locations.some((location) => location.purpose === 'customer_data')) {
      fields.locations = strings.offeringNeedsCustomerData;
    }
    certifications.forEach((certification, index) => {
      if (certification.scheme === 'other') {
        need('certifications', index, 'name', certification.name);
      }
      need('certifications', index, 'issuer', certification.issuer);
      need('certifications', index, 'expiresOn', certification.expiresOn);
    });
    contacts.forEach((contact, index) => {
      need('contacts', index, 'name', contact.name);
      need('contacts', index, 'email', contact.email);
    });
    return fields;
  };

  const send = async () => {
    // Certificates chosen as files are uploaded first; a refusal names the row it belongs to.
    const documentIds: (string | null)[] = [];
    for (const [index, certification] of certifications.entries()) {
      if (!certification.file) {
        documentIds.push(certification.documentId);
        continue;
      }
      try {
        const stored = await uploadDocument(certification.file, 'certificate');
        documentIds.push(stored.id);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        throw new ApiError(error.status, error.code, error.detail, [
          {
            in: 'body',
            pointer: `/${rowField('certifications', index, 'documentId')}`,
            message: error.detail,
          },
        ]);
      }
    }
    // Keep the uploads: saving again must not send the same files twice.
    setCertifications((rows) =>
      rows.map((row, index) => ({ ...row, documentId: documentIds[index] ?? null, file: null })),
    );
    const { values } = details;
    const input: OfferingInput = {
      ...(choosesProvider && { organizationId: values.organizationId }),
      name: values.name.trim(),
      description: values.description.trim(),
      serviceModel: values.serviceModel,
      deploymentModel: values.deploymentModel,
      website: text(values.website),
      locations: locations.map(({ country, city, operator, purpose }) => ({
        country,
        city: city.trim(),
        operator: operator.trim(),
        purpose,
      })),
      certifications: certifications.map((certification, index) => ({
        scheme: certification.scheme,
        name: certification.scheme === 'other' ? certification.name.trim() : null,
        certificateNumber: text(certification.certificateNumber),
        issuer: certification.issuer.trim(),
        issuedOn: certification.issuedOn || null,
        expiresOn: certification.expiresOn,
        documentId: documentIds[index] ?? null,
      })),
      contacts: contacts.map((contact) => ({
        role: contact.role,
        name: contact.name.trim(),
        email: contact.email.trim(),
        phone: text(contact.phone),
      })),
    };
    try {
      await save(input);
    } catch (error) {
      throw withNestedFields(error);
    }
  };

  const problem = submit.problem;
  const updateLocation = (index: number, change: Partial<LocationRow>) =>
    setLocations((rows) => rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  const updateCertification = (index: number, change: Partial<CertificationRow>) =>
    setCertifications((rows) => rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  const updateContact = (index: number, change: Partial<ContactRow>) =>
    setContacts((rows) => rows.map((row, i) => (i === index ? { ...row, ...change } : row)));

  return (
    <SubmitForm
      id={FORM}
      submit={submit}
      labels={labels}
      onSubmit={submit.onSubmit(send, check)}
      submitLabel={submitLabel}
      actions={
        onCancel && (
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {strings.cancel}
          </button>
        )
      }
    >
      {choosesProvider && (
        <SelectField
          form={FORM}
          label={labels.organizationId ?? ''}
          hint={strings.offeringProviderHint}
          options={[
            { value: '', label: strings.chooseOne },
            ...(providers.data?.items ?? []).map((organization) => ({
              value: organization.id,
              label: organization.name,
            })),
          ]}
          error={problem?.fields.organizationId}
          {...details.bind('organizationId')}
        />
      )}
      <TextField
        form={FORM}
        label={strings.offeringName}
        error={problem?.fields.name}
        {...details.bind('name')}
      />
      <TextAreaField
        form={FORM}
        label={strings.offeringDescription}
        hint={strings.offeringDescriptionHint}
        rows={4}
        error={problem?.fields.description}
        {...details.bind('description')}
      />
      <SelectField
        form={FORM}
        label={strings.offeringServiceModel}
        options={serviceModelOptions}
        error={problem?.fields.serviceModel}
        {...details.bind('serviceModel')}
      />
      <SelectField
        form={FORM}
        label={strings.offeringDeploymentModel}
        options={deploymentModelOptions}
        error={problem?.fields.deploymentModel}
        {...details.bind('deploymentModel')}
      />
      <TextField
        form={FORM}
        label={strings.offeringWebsite}
        hint={strings.offeringWebsiteHint}
        optional
        type="url"
        spellCheck={false}
        error={problem?.fields.website}
        {...details.bind('website')}
      />

      <EditableList
        name="locations"
        heading={strings.offeringLocationsHeading}
        hint={strings.offeringLocationsHint}
        error={problem?.fields.locations}
        addLabel={strings.offeringAddLocation}
        onAdd={() => {
          setLocations((rows) => [
            ...rows,
            emptyLocation(rows.length === 0 ? 'customer_data' : 'backup'),
          ]);
          focusSoon(`${FORM}-${rowField('locations', locations.length, 'country')}`);
        }}
      >
        {locations.map((location, index) => (
          <ListRow
            key={location.key}
            legend={format(strings.offeringLocationN, { n: String(index + 1) })}
            removeLabel={format(strings.offeringRemoveLocation, { n: String(index + 1) })}
            // At least one data centre: the server refuses an offering without one.
            onRemove={
              locations.length > 1
                ? () => {
                    setLocations((rows) => rows.filter((_, i) => i !== index));
                    focusSoon(`${FORM}-locations-add`);
                  }
                : undefined
            }
          >
            <SelectField
              form={FORM}
              name={rowField('locations', index, 'country')}
              label={strings.offeringCountry}
              options={[{ value: '', label: strings.chooseOne }, ...countryOptions]}
              error={rowError(problem, 'locations', index, 'country')}
              value={location.country}
              onChange={(event) => updateLocation(index, { country: event.target.value })}
            />
            <TextField
              form={FORM}
              name={rowField('locations', index, 'city')}
              label={strings.offeringCity}
              error={rowError(problem, 'locations', index, 'city')}
              value={location.city}
              onChange={(event) => updateLocation(index, { city: event.target.value })}
            />
            <TextField
              form={FORM}
              name={rowField('locations', index, 'operator')}
              label={strings.offeringOperator}
              hint={strings.offeringOperatorHint}
              error={rowError(problem, 'locations', index, 'operator')}
              value={location.operator}
              onChange={(event) => updateLocation(index, { operator: event.target.value })}
            />
            <SelectField
              form={FORM}
              name={rowField('locations', index, 'purpose')}
              label={strings.offeringPurpose}
              options={LOCATION_PURPOSES.map((purpose) => ({
                value: purpose,
                label: strings.locationPurposes[purpose],
              }))}
              error={rowError(problem, 'locations', index, 'purpose')}
              value={location.purpose}
              onChange={(event) =>
                updateLocation(index, { purpose: event.target.value as LocationPurpose })
              }
            />
          </ListRow>
        ))}
      </EditableList>

      <EditableList
        name="certifications"
        heading={strings.offeringCertificationsHeading}
        hint={strings.offeringCertificationsHint}
        error={problem?.fields.certifications}
        empty={strings.offeringNoCertifications}
        addLabel={strings.offeringAddCertification}
        onAdd={() => {
          setCertifications((rows) => [...rows, emptyCertification()]);
          focusSoon(`${FORM}-${rowField('certifications', certifications.length, 'scheme')}`);
        }}
      >
        {certifications.map((certification, index) => (
          <ListRow
            key={certification.key}
            legend={format(strings.offeringCertificationN, { n: String(index + 1) })}
            removeLabel={format(strings.offeringRemoveCertification, { n: String(index + 1) })}
            onRemove={() => {
              setCertifications((rows) => rows.filter((_, i) => i !== index));
              focusSoon(`${FORM}-certifications-add`);
            }}
          >
            <SelectField
              form={FORM}
              name={rowField('certifications', index, 'scheme')}
              label={strings.offeringScheme}
              options={CERTIFICATION_SCHEMES.map((scheme) => ({
                value: scheme,
                label: strings.certificationSchemes[scheme],
              }))}
              error={rowError(problem, 'certifications', index, 'scheme')}
              value={certification.scheme}
              onChange={(event) =>
                updateCertification(index, { scheme: event.target.value as CertificationScheme })
              }
            />
            {certification.scheme === 'other' && (
              <TextField
                form={FORM}
                name={rowField('certifications', index, 'name')}
                label={strings.offeringSchemeName}
                error={rowError(problem, 'certifications', index, 'name')}
                value={certification.name}
                onChange={(event) => updateCertification(index, { name: event.target.value })}
              />
            )}
            <TextField
              form={FORM}
              name={rowField('certifications', index, 'certificateNumber')}
              label={strings.offeringCertificateNumber}
              optional
              error={rowError(problem, 'certifications', index, 'certificateNumber')}
              value={certification.certificateNumber}
              onChange={(event) =>
                updateCertification(index, { certificateNumber: event.target.value })
              }
            />
            <TextField
              form={FORM}
              name={rowField('certifications', index, 'issuer')}
              label={strings.offeringIssuer}
              hint={strings.offeringIssuerHint}
              error={rowError(problem, 'certifications', index, 'issuer')}
              value={certification.issuer}
              onChange={(event) => updateCertification(index, { issuer: event.target.value })}
            />
            <TextField
              form={FORM}
              name={rowField('certifications', index, 'issuedOn')}
              label={strings.offeringIssuedOn}
              optional
              type="date"
              className="input input-date"
              error={rowError(problem, 'certifications', index, 'issuedOn')}
              value={certification.issuedOn}
              onChange={(event) => updateCertification(index, { issuedOn: event.target.value })}
            />
            <TextField
              form={FORM}
              name={rowField('certifications', index, 'expiresOn')}
              label={strings.offeringExpiresOn}
              type="date"
              className="input input-date"
              error={rowError(problem, 'certifications', index, 'expiresOn')}
              value={certification.expiresOn}
              onChange={(event) => updateCertification(index, { expiresOn: event.target.value })}
            />
            <CertificateDocumentField
              index={index}
              certification={certification}
              error={rowError(problem, 'certifications', index, 'documentId')}
              onChange={(change) => updateCertification(index, change)}
            />
          </ListRow>
        ))}
      </EditableList>

      <EditableList
        name="contacts"
        heading={strings.offeringContactsHeading}
        hint={strings.offeringContactsHint}
        error={problem?.fields.contacts}
        empty={strings.offeringNoContacts}
        addLabel={strings.offeringAddContact}
        onAdd={() => {
          setContacts((rows) => [...rows, emptyContact()]);
          focusSoon(`${FORM}-${rowField('contacts', contacts.length, 'role')}`);
        }}
      >
        {contacts.map((contact, index) => (
          <ListRow
            key={contact.key}
            legend={format(strings.offeringContactN, { n: String(index + 1) })}
            removeLabel={format(strings.offeringRemoveContact, { n: String(index + 1) })}
            onRemove={() => {
              setContacts((rows) => rows.filter((_, i) => i !== index));
              focusSoon(`${FORM}-contacts-add`);
            }}
          >
            <SelectField
              form={FORM}
              name={rowField('contacts', index, 'role')}
              label={strings.offeringContactRole}
              options={CONTACT_ROLES.map((role) => ({
                value: role,
                label: strings.contactRoles[role],
              }))}
              error={rowError(problem, 'contacts', index, 'role')}
              value={contact.role}
              onChange={(event) =>
                updateContact(index, { role: event.target.value as ContactRole })
              }
            />
            <TextField
              form={FORM}
              name={rowField('contacts', index, 'name')}
              label={strings.nameLabel}
              error={rowError(problem, 'contacts', index, 'name')}
              value={contact.name}
              onChange={(event) => updateContact(index, { name: event.target.value })}
            />
            <TextField
              form={FORM}
              name={rowField('contacts', index, 'email')}
              label={strings.emailLabel}
              type="email"
              spellCheck={false}
              error={rowError(problem, 'contacts', index, 'email')}
              value={contact.email}
              onChange={(event) => updateContact(index, { email: event.target.value })}
            />
            <TextField
              form={FORM}
              name={rowField('contacts', index, 'phone')}
              label={strings.offeringPhone}
              optional
              type="tel"
              error={rowError(problem, 'contacts', index, 'phone')}
              value={contact.phone}
              onChange={(event) => updateContact(index, { phone: event.target.value })}
            />
          </ListRow>
        ))}
      </EditableList>
    </SubmitForm>
  );
}

/** A list of rows in a form: a group with its heading, any error about the whole list, an add button. */
function EditableList({
  name,
  heading,
  hint,
  error,
  empty,
  addLabel,
  onAdd,
  children,
}: {
  name: string;
  heading: string;
  hint: string;
  error?: string;
  empty?: string;
  addLabel: string;
  onAdd: () => void;
  children: ReactNode[];
}) {
  const id = `${FORM}-${name}`;
  return (
    <fieldset
      className={error ? 'list-fieldset field-error' : 'list-fieldset'}
      aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
    >
      <legend className="list-legend">{heading}</legend>
      <p className="field-hint" id={`${id}-hint`}>
        {hint}
      </p>
      {error && (
        // Focusable, so that the error summary's link to the list has somewhere to go.
        <p className="field-error-message" id={id} tabIndex={-1}>
          <span className="visually-hidden">{strings.errorPrefix} </span>
          <span id={`${id}-error`}>{error}</span>
        </p>
      )}
      {children.length === 0 && empty && <p>{empty}</p>}
      {children}
      <p className="button-row">
        <button type="button" id={`${id}-add`} className="button button-secondary" onClick={onAdd}>
          {addLabel}
        </button>
      </p>
    </fieldset>
  );
}

function ListRow({
  legend,
  removeLabel,
  onRemove,
  children,
}: {
  legend: string;
  removeLabel: string;
  onRemove?: () => void;
  children: ReactNode;
}) {
  return (
    <fieldset className="list-row">
      <legend className="list-row-legend">{legend}</legend>
      {children}
      {onRemove && (
        <button type="button" className="button button-secondary button-small" onClick={onRemove}>
          {removeLabel}
        </button>
      )}
    </fieldset>
  );
}

/** A certificate's document: the stored one (kept, or removed), or a file to upload on saving. */
function CertificateDocumentField({
  index,
  certification,
  error,
  onChange,
}: {
  index: number;
  certification: CertificationRow;
  error?: string;
  onChange: (change: Partial<CertificationRow>) => void;
}) {
  const id = `${FORM}-${rowField('certifications', index, 'documentId')}`;
  const hintId = `${id}-hint`;
  return (
    <div className={error ? 'field field-error' : 'field'}>
      <label className="field-label" htmlFor={id}>
        {strings.offeringCertificateDocument}
        <span className="field-optional"> {strings.optionalMark}</span>
      </label>
      <div className="field-hint" id={hintId}>
        {certification.documentId ? (
          <>
            {strings.offeringCurrentDocument} <DocumentLink id={certification.documentId} />{' '}
            <button
              type="button"
              className="button-link"
              onClick={() => onChange({ documentId: null })}
            >
              {strings.offeringRemoveDocument}
            </button>
          </>
        ) : (
          strings.offeringCertificateDocumentHint
        )}
      </div>
      {error && (
        <p className="field-error-message" id={`${id}-error`}>
          <span className="visually-hidden">{strings.errorPrefix} </span>
          {error}
        </p>
      )}
      <input
        id={id}
        type="file"
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${hintId} ${id}-error` : hintId}
        onChange={(event) => onChange({ file: event.target.files?.[0] ?? null })}
      />
    </div>
  );
}

// Applying for accreditation, and the offering's applications

/** Applications that still move: the server allows one of them per offering at a time. */
const IN_PROGRESS: readonly ApplicationStatus[] = [
  'draft',
  'submitted',
  'returned',
  'complete',
  'in_assessment',
  'legal_review',
  'legal_returned',
  'awaiting_decision',
];

function OfferingApplications({ offering }: { offering: Offering }) {
  const me = useMe();
  const applications = useApi<ApplicationList>(APPLICATIONS, {
    offeringId: offering.id,
    limit: MAX_LIST,
  });
  const levels = useApi<{ items: LevelSummary[] }>('/api/v1/levels');
  const levelTitle = (code: string) =>
    levels.data?.items.find((level) => level.code === code)?.title ?? code;
  const items = applications.data?.items ?? [];
  const inProgress = items.find((application) => IN_PROGRESS.includes(application.status));

  return (
    <>
      <Section id="offering-applications" title={strings.offeringApplicationsHeading}>
        {applications.error ? (
          <LoadError detail={applications.error.detail} onRetry={applications.reload} />
        ) : !applications.data ? (
          <Loading />
        ) : items.length === 0 ? (
          <p>{strings.offeringNoApplications}</p>
        ) : (
          <DataTable
            label={strings.offeringApplicationsHeading}
            columns={[
              strings.applicationLevelSought,
              strings.statusLabel,
              strings.createdLabel,
              strings.updatedLabel,
              strings.actionsLabel,
            ]}
          >
            {items.map((application) => (
              <ApplicationRow
                key={application.id}
                application={application}
                levelTitle={levelTitle(application.levelSought.code)}
              />
            ))}
          </DataTable>
        )}
      </Section>
      {may.applyForAccreditation(me) && applications.data && (
        <Section id="apply" title={strings.applyHeading}>
          {inProgress ? (
            <p>
              {strings.applyInProgress}{' '}
              <Link to={`/applications/${inProgress.id}/responses`}>
                {strings.offeringAnswersLink}
              </Link>
            </p>
          ) : levels.data ? (
            <ApplyForm offering={offering} levels={levels.data.items} />
          ) : levels.error ? (
            <LoadError detail={levels.error.detail} onRetry={levels.reload} />
          ) : (
            <Loading />
          )}
        </Section>
      )}
    </>
  );
}

function ApplicationRow({
  application,
  levelTitle,
}: {
  application: Application;
  levelTitle: string;
}) {
  return (
    <tr>
      <td>{levelTitle}</td>
      <td>{applicationStatusTag(application.status)}</td>
      <td>{formatDateTime(application.createdAt)}</td>
      <td>{formatDateTime(application.updatedAt)}</td>
      <td>
        <ul className="plain-list">
          <li>
            <Link to={`/applications/${application.id}`}>
              {format(strings.applicationOpenLink, { level: levelTitle })}
            </Link>
          </li>
          <li>
            <Link to={`/applications/${application.id}/responses`}>
              {strings.offeringAnswersLink}
            </Link>
          </li>
        </ul>
      </td>
    </tr>
  );
}

/** Choosing a level with a published version, and opening a draft application at it. */
function ApplyForm({ offering, levels }: { offering: Offering; levels: readonly LevelSummary[] }) {
  const form = useFields({ levelSought: '' });
  const submit = useSubmit();
  const published = levels.filter((level) => level.latestVersion !== null);
  const labels = { levelSought: strings.applyLevel };
  if (published.length === 0) return <p>{strings.applyNoLevels}</p>;
  return (
    <>
      <p>{strings.applyIntro}</p>
      <SubmitForm
        id="apply"
        submit={submit}
        labels={labels}
        submitLabel={strings.applySubmit}
        onSubmit={submit.onSubmit(
          async () => {
            const application = await api.post<Application>(
              `${offeringPath(offering.id)}/applications`,
              { levelSought: form.values.levelSought },
            );
            navigate(`/applications/${application.id}/responses`, {
              flash: strings.applyOpened,
            });
          },
          () => missing(form.values, ['levelSought']),
        )}
      >
        <SelectField
          form="apply"
          label={labels.levelSought}
          hint={strings.applyLevelHint}
          options={[
            { value: '', label: strings.chooseOne },
            ...published.map((level) => ({
              value: level.code,
              label: format(strings.levelVersionTitle, {
                level: level.title,
                version: String(level.latestVersion),
              }),
            })),
          ]}
          error={submit.problem?.fields.levelSought}
          {...form.bind('levelSought')}
        />
      </SubmitForm>
    </>
  );
}
