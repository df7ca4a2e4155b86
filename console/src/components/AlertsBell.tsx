import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../app/context';
import { errorText } from '../lib/client';
import { allRead, badgeText, bellLabel, kindWords, PANEL_SIZE, withAlert, type AlertItem } from '../lib/alerts';
import { ROUTES } from '../lib/router';
import { AlertCountQuery, AlertsQuery, AlertsSubscription, MarkAlertsReadMutation } from '../operations';
import { Dialog } from './Dialog';
import { Link } from './Link';
import { Receipt } from './Receipt';
import { Time } from './Time';

/**
 * The bell in the header: the seller's unread alerts, counted live (the `alerts` subscription, the count
 * fetched again after each reconnect), and a dialog listing the newest with "Mark all read".
 */
export function AlertsBell() {
  const { client, live } = useApp();
  const [unread, setUnread] = useState(0);
  const [alerts, setAlerts] = useState<AlertItem[] | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let active = true;
    const count = () =>
      client.request(AlertCountQuery, {}).then(
        (result) => {
          if (active) setUnread(result.unreadAlertCount);
        },
        () => {},
      );
    void count();
    const stopConnected = live.onConnected((wasRetry) => {
      if (wasRetry) void count(); // alerts raised while the socket was down are not replayed
    });
    const stop = live.subscribe(AlertsSubscription, {}, {
      next: ({ alerts: alert }) => {
        if (!alert.readAt) setUnread((n) => n + 1);
        setAlerts((list) => (list ? withAlert(list, alert) : list));
        setAnnouncement(`New alert: ${alert.message}`);
      },
    });
    return () => {
      active = false;
      stopConnected();
      stop();
    };
  }, [client, live]);

  return (
    <>
      <button
        ref={button}
        type="button"
        class="button button-quiet bell"
        aria-label={bellLabel(unread)}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen(true)}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" class="bell-icon">
          <path
            d="M12 3a6 6 0 0 0-6 6v3.6L4.3 15.4A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.6L18 12.6V9a6 6 0 0 0-6-6Zm-2.5 15a2.5 2.5 0 0 0 5 0h-5Z"
            fill="currentColor"
          />
        </svg>
        {unread > 0 ? (
          <span class="bell-count" aria-hidden="true">
            {badgeText(unread)}
          </span>
        ) : null}
      </button>
      <span class="visually-hidden" role="status">
        {announcement}
      </span>
      {open ? (
        <AlertsPanel
          alerts={alerts}
          unread={unread}
          onLoaded={(list, count) => {
            setAlerts(list);
            setUnread(count);
          }}
          onAllRead={(at) => {
            setAlerts((list) => (list ? allRead(list, at) : list));
            setUnread(0);
          }}
          onClose={() => setOpen(false)}
          fallbackFocus={() => button.current}
        />
      ) : null}
    </>
  );
}

interface PanelProps {
  alerts: AlertItem[] | null;
  unread: number;
  onLoaded: (alerts: AlertItem[], unread: number) => void;
  onAllRead: (at: string) => void;
  onClose: () => void;
  fallbackFocus: () => HTMLElement | null;
}

function AlertsPanel({ alerts, unread, onLoaded, onAllRead, onClose, fallbackFocus }: PanelProps) {
  const { client } = useApp();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let active = true;
    client.request(AlertsQuery, { first: PANEL_SIZE }).then(
      (result) => {
        if (active) onLoaded(result.alerts.edges.map((e) => e.node), result.unreadAlertCount);
      },
      (err: unknown) => {
        if (active) setError(err);
      },
    );
    return () => {
      active = false;
    };
  }, [client]);

  async function markAllRead() {
    setBusy(true);
    setError(null);
    try {
      const result = await client.request(MarkAlertsReadMutation, { ids: null });
      const problems = result.markAlertsRead.userErrors;
      if (problems.length > 0) setError(new Error(problems.map((e) => e.message).join(' ')));
      else onAllRead(new Date().toISOString());
    } catch (err) {
      setError(err);
    }
    setBusy(false);
  }

  return (
    <Dialog labelledBy="alerts-title" onClose={onClose} fallbackFocus={fallbackFocus} class="dialog-wide">
      <div class="dialog-body">
        <div class="dialog-header">
          <h2 id="alerts-title" class="dialog-title">
            Alerts
          </h2>
          <button type="button" class="button button-quiet" data-autofocus onClick={onClose}>
            Close
          </button>
        </div>
        {error ? (
          <p class="error-text" role="alert">
            {errorText(error)}
          </p>
        ) : null}
        {alerts === null && !error ? <p role="status">Loading alerts…</p> : null}
        {alerts !== null && alerts.length === 0 ? <p>No alerts yet. Problems the schedule finds show up here.</p> : null}
        {alerts !== null && alerts.length > 0 ? (
          <ul class="alert-list" aria-labelledby="alerts-title">
            {alerts.map((alert) => (
              <AlertEntry key={alert.id} alert={alert} onNavigate={onClose} />
            ))}
          </ul>
        ) : null}
        <div class="dialog-actions">
          <button type="button" class="button button-primary" disabled={busy || unread === 0} onClick={markAllRead}>
            Mark all read
          </button>
        </div>
      </div>
    </Dialog>
  );
}

function AlertEntry({ alert, onNavigate }: { alert: AlertItem; onNavigate: () => void }) {
  const titleId = `alert-${alert.id}`;
  const [receipt, setReceipt] = useState(false);
  const job = alert.job && alert.job.status !== 'RUNNING' ? alert.job : null;
  return (
    <li class={alert.readAt ? 'alert-item' : 'alert-item alert-unread'} aria-labelledby={titleId}>
      <p class="alert-heading">
        <span class={alert.readAt ? 'badge badge-muted' : 'badge badge-pending'}>{alert.readAt ? 'Read' : 'Unread'}</span>{' '}
        <strong id={titleId}>{kindWords(alert.kind)}</strong>
        {alert.store ? <span class="alert-store"> · {alert.store.name}</span> : null} · <Time value={alert.at} />
      </p>
      <p class="alert-message">{alert.message}</p>
      {alert.transaction ? (
        <p>
          <Link href={ROUTES.transactions.path} onClick={onNavigate}>
            Order {alert.transaction.orderNumber} in the Transaction List
          </Link>
        </p>
      ) : null}
      {job ? (
        <p>
          <button
            type="button"
            class="button button-small"
            aria-expanded={receipt}
            aria-describedby={titleId}
            onClick={() => setReceipt((shown) => !shown)}
          >
            {receipt ? 'Hide the import’s receipt' : 'Show the import’s receipt'}
          </button>
        </p>
      ) : null}
      {job && receipt ? <Receipt job={job} /> : null}
    </li>
  );
}
