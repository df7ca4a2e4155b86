import { Dialog } from './Dialog';

/**
 * The payment guard refused Accept Buyer (or held orders of Accept selected): the risks in plain words,
 * then **Keep pending** (focused first, the safe choice) or **Accept anyway** (with force: true).
 */
export function ForceAcceptDialog({
  title,
  risks,
  busy,
  onKeep,
  onAccept,
  fallbackFocus,
}: {
  /** "Accept order #1001 anyway?" */
  title: string;
  risks: readonly string[];
  busy: boolean;
  onKeep: () => void;
  onAccept: () => void;
  fallbackFocus: () => HTMLElement | null;
}) {
  return (
    <Dialog labelledBy="force-title" describedBy="force-risks" onClose={onKeep} fallbackFocus={fallbackFocus}>
      <div class="dialog-body">
        <h2 id="force-title" class="dialog-title">
          {title}
        </h2>
        <ul id="force-risks" class="risk-list">
          {risks.map((risk) => (
            <li key={risk}>{risk}</li>
          ))}
        </ul>
        <div class="dialog-actions">
          <button type="button" class="button" data-autofocus onClick={onKeep}>
            Keep pending
          </button>
          <button type="button" class="button button-danger" disabled={busy} onClick={onAccept}>
            Accept anyway
          </button>
        </div>
      </div>
    </Dialog>
  );
}
