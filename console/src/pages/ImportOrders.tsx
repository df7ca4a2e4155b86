import { useEffect, useState } from 'preact/hooks';
import { sortPlatforms, useApp, type StoreInfo } from '../app/context';
import { useImportJob } from '../app/useImportJob';
import { ImportFilters } from '../components/ImportFilters';
import { JobStatus } from '../components/JobStatus';
import { PageHeading } from '../components/PageHeading';
import { PendingList } from '../components/PendingList';
import { Receipt } from '../components/Receipt';
import { RecentImports } from '../components/RecentImports';
import { StoreHealthBanners } from '../components/StoreHealth';
import { groupUserErrors, domId, type GroupedErrors } from '../lib/errors';
import {
  firstInvalidField,
  hasErrors,
  IMPORT_FIELDS,
  importVariables,
  validateImportForm,
  type ImportFormValues,
} from '../lib/importForm';

const NO_ERRORS: GroupedErrors = { byField: {}, form: [] };

const FIELD_IDS: Record<string, string> = {
  platform: 'import-platform',
  store: 'import-store',
  orderId: 'import-order-id',
  hours: 'import-hours',
};

function focusField(field: string | null) {
  if (!field) return;
  if (field === 'hours') {
    document.querySelector<HTMLInputElement>('input[name="import-hours"]:checked, input[name="import-hours"]')?.focus();
    return;
  }
  document.getElementById(FIELD_IDS[field] ?? domId(field))?.focus();
}

export function ImportOrdersPage() {
  const { platforms, stores, reloadStores } = useApp();
  const sorted = sortPlatforms(platforms);
  const [values, setValues] = useState<ImportFormValues>({ platform: '', store: '', by: 'ORDER_ID', orderId: '', hours: 1 });
  const [errors, setErrors] = useState<GroupedErrors>(NO_ERRORS);
  const [recentKey, setRecentKey] = useState(0);
  const [jobStoreId, setJobStoreId] = useState<string | null>(null);
  const importJob = useImportJob(() => {
    setRecentKey((n) => n + 1);
    // A finished import may change a store's webhook health banner.
    void reloadStores().catch(() => undefined);
  });

  // Webhook health changes while the page is open: look again every minute.
  useEffect(() => {
    const timer = setInterval(() => void reloadStores().catch(() => undefined), 60_000);
    return () => clearInterval(timer);
  }, [reloadStores]);

  async function run(next: ImportFormValues, dryRun = false) {
    importJob.clear(); // the result shown is always the latest attempt's
    const local = validateImportForm(next);
    if (hasErrors(local)) {
      setErrors(local);
      focusField(firstInvalidField(local));
      return;
    }
    setErrors(NO_ERRORS);
    const result = await importJob.start(importVariables(next, dryRun));
    if (result.userErrors.length > 0 || result.requestError) {
      const grouped = groupUserErrors(result.userErrors, IMPORT_FIELDS, { id: 'store', orderIds: 'orderId' });
      if (result.requestError) grouped.form.push(result.requestError);
      setErrors(grouped);
      focusField(firstInvalidField(grouped));
      return;
    }
    setJobStoreId(next.store);
  }

  function importQuietStore(store: StoreInfo) {
    const next: ImportFormValues = { ...values, platform: store.platform.id, store: store.id, by: 'TIME', hours: 6 };
    setValues(next);
    void run(next);
  }

  const selectedStore = stores.find((s) => s.id === values.store) ?? null;
  const jobStore = stores.find((s) => s.id === (importJob.job ? jobStoreId : null)) ?? null;

  return (
    <div class="page">
      <PageHeading title="Import Orders" />
      <p class="lead">
        Fetch orders that webhooks missed. Orders the system does not know yet appear as Pending below.
      </p>

      <StoreHealthBanners stores={stores} busy={importJob.submitting} onImport={importQuietStore} />

      <section class="panel" aria-labelledby="filters-heading">
        <h2 id="filters-heading" class="section-title">
          Import Filters
        </h2>
        <ImportFilters
          platforms={sorted}
          stores={stores}
          values={values}
          errors={errors}
          submitting={importJob.submitting}
          onChange={(next) => {
            setValues(next);
            if (hasErrors(errors)) setErrors(NO_ERRORS);
          }}
          onSubmit={() => void run(values)}
          onPreview={() => void run(values, true)}
        />
        <JobStatus job={importJob.job} storeName={jobStore?.name ?? null} />
        {importJob.job && importJob.job.status !== 'RUNNING' ? <Receipt key={importJob.job.id} job={importJob.job} /> : null}
        {selectedStore ? (
          <RecentImports storeId={selectedStore.id} storeName={selectedStore.name} refreshKey={recentKey} />
        ) : null}
      </section>

      <PendingList />
    </div>
  );
}
