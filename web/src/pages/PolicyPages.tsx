import { isOfficeStaff } from '../access';
import type { LevelSummary } from '../api';
import { DutiesSection } from '../components/DutiesSection';
import { DataTable } from '../components/lists';
import { LoadError, Loading, Page, Section } from '../components/Page';
import { countryList } from '../countries';
import { formatDateTime, formatDay } from '../display';
import type { DeploymentModel } from '../offerings-api';
import { Link } from '../router';
import { useSession } from '../session';
import { format, strings } from '../strings';
import {
  IMPACTS,
  POLICY,
  policyVersionPath,
  type PlacementRule,
  type PolicyPack,
  type PolicyVersion,
  type PolicyVersionSummary,
} from '../systems-api';
import { useApi } from '../useApi';
import { NotFoundPage } from './NotFoundPage';

/**
 * The policy pack (issue 6), public: the data classes with their definitions and examples, where
 * each class may go, how the questionnaire gives a class, which exemptions a NOC may grant, and the
 * published versions. Officers also see the open draft with what stops it from being published.
 */

/** Level titles by code, from the public list of levels (the code until it loads). */
function useLevelTitles(): (code: string) => string {
  const levels = useApi<{ items: LevelSummary[] }>('/api/v1/levels');
  return (code) => levels.data?.items.find((level) => level.code === code)?.title ?? code;
}

/** Where a rule lets customer data be kept, in words. */
function residencyWords(rule: PlacementRule, pack: PolicyPack): string {
  if (rule.customerDataIn === 'anywhere') return strings.policyAnywhere;
  const codes = rule.customerDataIn.map((code) => (code === 'home' ? pack.homeCountry : code));
  return format(strings.policyOnlyIn, { countries: countryList(codes) });
}

/** `/policy`: the pack in force, and the list of published versions. */
export function PolicyPage() {
  const policy = useApi<PolicyVersion>(POLICY);
  const { state } = useSession();
  const officer = state.status === 'signedIn' && isOfficeStaff(state.me);
  const version = policy.data;
  return (
    <Page title={strings.policyTitle} intro={strings.policyIntro}>
      {officer && (
        <p>
          <Link to="/policy/draft">{strings.policyDraftLink}</Link>
        </p>
      )}
      {policy.error?.status === 404 ? (
        <div className="notice">
          <p>{strings.policyNoneYet}</p>
        </div>
      ) : policy.error ? (
        <LoadError detail={policy.error.detail} onRetry={policy.reload} />
      ) : !version ? (
        <Loading />
      ) : (
        <>
          <p>
            {format(strings.policyInForce, {
              version: String(version.version),
              day: version.published ? formatDay(version.published.at.slice(0, 10)) : '',
            })}
          </p>
          <PackView pack={version.pack} />
          <DutiesSection classes={version.pack.classes} />
          <PolicyVersions current={version.version} />
        </>
      )}
    </Page>
  );
}

/** `/policy/versions/:version`: one published version, whole. */
export function PolicyVersionPage({ version }: { version: string }) {
  const loaded = useApi<PolicyVersion>(/^\d+$/.test(version) ? policyVersionPath(version) : null);
  if (!/^\d+$/.test(version) || loaded.error?.status === 404) return <NotFoundPage record />;
  const record = loaded.data;
  return (
    <Page title={format(strings.policyVersionTitle, { version })}>
      <p>
        <Link to="/policy">{strings.policyBackToCurrent}</Link>
      </p>
      {loaded.error ? (
        <LoadError detail={loaded.error.detail} onRetry={loaded.reload} />
      ) : !record ? (
        <Loading />
      ) : (
        <>
          <p>
            {format(strings.policyVersionPublished, {
              version: String(record.version),
              day: record.published ? formatDay(record.published.at.slice(0, 10)) : '',
            })}
          </p>
          <PackView pack={record.pack} />
        </>
      )}
    </Page>
  );
}

/** `/policy/draft` (officers): the open draft, read-only, with what stops it from being published. */
export function PolicyDraftPage() {
  const draft = useApi<PolicyVersion>(`${POLICY}/draft`);
  const record = draft.data;
  return (
    <Page title={strings.policyDraftTitle}>
      <p>
        <Link to="/policy">{strings.policyBackToCurrent}</Link>
      </p>
      {draft.error?.status === 404 ? (
        <div className="notice">
          <p>{strings.policyDraftNone}</p>
        </div>
      ) : draft.error ? (
        <LoadError detail={draft.error.detail} onRetry={draft.reload} />
      ) : !record ? (
        <Loading />
      ) : (
        <>
          <p>
            {format(strings.policyDraftStatus, {
              version: String(record.version),
              status: strings.policyStatuses[record.status] ?? record.status,
              base: String(record.basedOnVersion ?? strings.none),
            })}
          </p>
          {record.returned && (
            <div className="notice" role="note">
              <p>
                {format(strings.policyDraftReturned, {
                  at: formatDateTime(record.returned.at),
                  reason: record.returned.reason,
                })}
              </p>
            </div>
          )}
          <Section id="draft-problems" title={strings.policyDraftProblemsHeading}>
            {record.problems.length === 0 ? (
              <p>{strings.policyDraftNoProblems}</p>
            ) : (
              <ul>
                {record.problems.map((problem, index) => (
                  <li key={index}>
                    <code className="identifier">{problem.pointer}</code>: {problem.message}
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <PackView pack={record.pack} />
        </>
      )}
    </Page>
  );
}

/** Every part of a pack, as people read it. */
function PackView({ pack }: { pack: PolicyPack }) {
  const levelTitle = useLevelTitles();
  const classes = [...pack.classes].sort((a, b) => a.rank - b.rank);
  const className = (code: string) => pack.classes.find((c) => c.code === code)?.name ?? code;
  const modelName = (code: DeploymentModel) =>
    pack.deploymentModels.find((model) => model.code === code)?.name ??
    strings.deploymentModels[code];
  return (
    <>
      <Section id="policy-classes" title={strings.policyClassesHeading}>
        {classes.map((dataClass) => (
          <div key={dataClass.code}>
            <h4>{dataClass.name}</h4>
            <p className="statement">{dataClass.definition}</p>
            {dataClass.examples.length > 0 && (
              <>
                <p className="secondary-text">{strings.policyExamples}</p>
                <ul>
                  {dataClass.examples.map((example) => (
                    <li key={example}>{example}</li>
                  ))}
                </ul>
              </>
            )}
          </div>
        ))}
      </Section>

      <Section id="policy-rules" title={strings.policyRulesHeading}>
        <DataTable
          label={strings.policyRulesHeading}
          columns={[
            strings.policyClass,
            strings.policyMinimumLevel,
            strings.policyDeploymentModels,
            strings.policyCustomerData,
            strings.policyAllData,
            strings.policyConditions,
          ]}
        >
          {classes.map((dataClass) => {
            const rule = pack.rules.find((r) => r.classCode === dataClass.code);
            if (!rule) {
              return (
                <tr key={dataClass.code}>
                  <th scope="row">{dataClass.name}</th>
                  <td colSpan={5}>{strings.policyNoRule}</td>
                </tr>
              );
            }
            return (
              <tr key={dataClass.code}>
                <th scope="row">{dataClass.name}</th>
                <td>{levelTitle(rule.minimumLevel)}</td>
                <td>{rule.deploymentModels.map(modelName).join(', ') || strings.none}</td>
                <td>{residencyWords(rule, pack)}</td>
                <td>
                  {rule.customerDataIn === 'anywhere'
                    ? strings.policyAnywhere
                    : rule.allDataIn
                      ? strings.policyAllDataIn
                      : strings.policyAllDataFree}
                </td>
                <td>
                  {rule.conditions.length === 0 ? (
                    strings.none
                  ) : (
                    <ul className="plain-list">
                      {rule.conditions.map((condition) => (
                        <li key={condition.id}>{condition.text}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
        <details className="details">
          <summary>{strings.policyClauseLabel}</summary>
          <ul>
            {classes.map((dataClass) => {
              const rule = pack.rules.find((r) => r.classCode === dataClass.code);
              return rule ? (
                <li key={dataClass.code}>
                  <strong>{dataClass.name}</strong>: {rule.clause}
                </li>
              ) : null;
            })}
            {pack.accreditationClause && <li>{pack.accreditationClause}</li>}
          </ul>
        </details>
      </Section>

      <Section id="policy-models" title={strings.policyModelsHeading}>
        <ul>
          {pack.deploymentModels.map((model) => (
            <li key={model.code}>
              <strong>{model.name}</strong>: {model.description}
            </li>
          ))}
        </ul>
        <h4>{strings.policyServiceModelsHeading}</h4>
        <ol>
          {pack.serviceModels.map((model) => (
            <li key={model.code}>
              <strong>{model.name}</strong>: {model.description}
            </li>
          ))}
        </ol>
      </Section>

      <Section id="policy-classification" title={strings.policyClassificationHeading}>
        <p>{strings.policyClassificationIntro}</p>
        <ul>
          {IMPACTS.map((impact) => (
            <li key={impact}>
              {format(strings.policyByImpact, {
                impact: strings.impacts[impact] ?? impact,
                class: className(pack.classification.byConfidentiality[impact]),
              })}
            </li>
          ))}
          {pack.classification.byMarking.map((marking) => (
            <li key={marking.marking}>
              {format(strings.policyByMarking, {
                label: marking.label,
                class: className(marking.classCode),
              })}
            </li>
          ))}
        </ul>
      </Section>

      <Section id="policy-nocs" title={strings.policyNocHeading}>
        <p>{strings.policyNocIntro}</p>
        {pack.nocRules.length === 0 ? (
          <p>{strings.policyNoNocs}</p>
        ) : (
          <DataTable
            label={strings.policyNocHeading}
            columns={[
              strings.policyClass,
              strings.policyNocCovers,
              strings.policyDeploymentModels,
              strings.policyNocMaxMonths,
              strings.policyClauseLabel,
            ]}
          >
            {pack.nocRules.map((rule) => (
              <tr key={rule.classCode}>
                <th scope="row">{className(rule.classCode)}</th>
                <td>
                  {rule.deviations.map((d) => strings.deviations[d] ?? d).join(', ') ||
                    strings.none}
                </td>
                <td>{rule.deploymentModels.map(modelName).join(', ') || strings.none}</td>
                <td className="nowrap">
                  {format(strings.policyMonths, { months: String(rule.maxMonths) })}
                </td>
                <td className="statement">{rule.clause}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>
    </>
  );
}

function PolicyVersions({ current }: { current: number }) {
  const versions = useApi<{ items: PolicyVersionSummary[] }>(`${POLICY}/versions`);
  return (
    <Section id="policy-versions" title={strings.policyVersionsHeading}>
      {versions.error ? (
        <LoadError detail={versions.error.detail} onRetry={versions.reload} />
      ) : !versions.data ? (
        <Loading />
      ) : (
        <DataTable
          label={strings.policyVersionsHeading}
          columns={[
            strings.policyVersionColumn,
            strings.policyPublishedOn,
            strings.policyPublishedBy,
          ]}
        >
          {versions.data.items.map((version) => (
            <tr key={version.version}>
              <td>
                <Link to={`/policy/versions/${version.version}`}>
                  {format(strings.policyVersionLink, { version: String(version.version) })}
                </Link>
                {version.version === current && ` ${strings.policyCurrentMark}`}
              </td>
              <td>{version.published ? formatDateTime(version.published.at) : strings.none}</td>
              <td>{version.published?.position ?? strings.none}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </Section>
  );
}
