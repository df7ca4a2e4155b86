import type { StoreInfo } from '../app/context';

/** A banner for each connected store whose webhooks have gone quiet, with a button that imports its last 6 hours. */
export function StoreHealthBanners({
  stores,
  busy,
  onImport,
}: {
  stores: StoreInfo[];
  busy: boolean;
  onImport: (store: StoreInfo) => void;
}) {
  const quiet = stores.filter((s) => s.webhookHealth.quiet && s.connected !== false);
  if (quiet.length === 0) return null;
  return (
    <ul class="banners" aria-label="Store alerts">
      {quiet.map((store) => (
        <li key={store.id} class="banner banner-warning">
          <svg class="icon" aria-hidden="true" viewBox="0 0 16 16" width="18" height="18">
            <path d="M8 1l7 13H1z" fill="currentColor" />
            <path d="M8 6v4M8 12v1" stroke="#fff" stroke-width="1.6" stroke-linecap="round" />
          </svg>
          <p id={`health-${store.id}`} class="banner-text">
            <strong>
              {store.name} ({store.platform.name}):
            </strong>{' '}
            {store.webhookHealth.message ?? 'No orders received by webhook for a long time — import missing orders.'}
          </p>
          <button
            type="button"
            class="button"
            disabled={busy}
            aria-describedby={`health-${store.id}`}
            onClick={() => onImport(store)}
          >
            Import the last 6 hours of {store.name}
          </button>
        </li>
      ))}
    </ul>
  );
}
