import { useState } from 'preact/hooks';
import type { BulkDecisionFieldsFragment, PendingRowFieldsFragment } from '../gql/graphql';
import { useApp } from '../app/context';
import { errorText } from '../lib/client';
import { groupUserErrors, type GroupedErrors } from '../lib/errors';
import { CancelImportMutation, CancelImportsMutation } from '../operations';
import { Dialog } from './Dialog';
import { describedBy, FieldError } from './FieldError';

const NO_ERRORS: GroupedErrors = { byField: {}, form: [] };
export const MAX_REASON = 1000;

type Row = PendingRowFieldsFragment;

/** Mark as Cancel of one row (cancelImport), or Cancel selected (cancelImports: the caller reads the results). */
type Target =
  | { order: Row; onDecided: (order: Row, message: string) => void; orders?: never }
  | { orders: readonly Row[]; onBulkDecided: (payload: BulkDecisionFieldsFragment) => void; order?: never };

export function CancelDialog(
  props: Target & {
    onClose: () => void;
    fallbackFocus: () => HTMLElement | null;
  },
) {
  const { onClose, fallbackFocus } = props;
  const { client } = useApp();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<GroupedErrors>(NO_ERRORS);

  async function confirm(event: Event) {
    event.preventDefault();
    if (busy) return;
    const trimmed = reason.trim();
    if (trimmed.length > MAX_REASON) {
      setErrors({ byField: { reason: [`A reason is at most ${MAX_REASON} characters.`] }, form: [] });
      document.getElementById('cancel-reason')?.focus();
      return;
    }
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      if (props.orders) {
        const ids = props.orders.map((o) => o.id);
        const result = await client.request(CancelImportsMutation, { ids, reason: trimmed || null });
        const payload = result.cancelImports;
        if (payload.userErrors.length === 0) {
          props.onBulkDecided(payload);
          return;
        }
        setErrors(groupUserErrors(payload.userErrors, ['reason']));
      } else {
        const { order, onDecided } = props;
        const result = await client.request(CancelImportMutation, { id: order.id, reason: trimmed || null });
        const userErrors = result.cancelImport.userErrors;
        if (userErrors.length === 0) {
          onDecided(order, `Order ${order.orderNumber} marked as canceled. It is not added to the Transaction List.`);
          return;
        }
        if (userErrors.some((e) => e.code === 'ALREADY_DECIDED')) {
          onDecided(order, `Order ${order.orderNumber}: This order was already decided.`);
          return;
        }
        setErrors(groupUserErrors(userErrors, ['reason']));
      }
    } catch (error) {
      setErrors({ byField: {}, form: [errorText(error)] });
    }
    setBusy(false);
  }

  return (
    <Dialog labelledBy="cancel-title" describedBy="cancel-description" onClose={onClose} fallbackFocus={fallbackFocus}>
      <form class="dialog-body" onSubmit={confirm} noValidate>
        <h2 id="cancel-title" class="dialog-title">
          {props.orders
            ? `Mark ${props.orders.length} selected ${props.orders.length === 1 ? 'order' : 'orders'} as canceled`
            : `Mark order ${props.order.orderNumber} as canceled`}
        </h2>
        <p id="cancel-description">
          {props.orders
            ? 'The orders leave the pending list and are not added to the Transaction List. An import by their ' +
              'order IDs can bring them back.'
            : 'The order leaves the pending list and is not added to the Transaction List. An import by its order ' +
              'ID can bring it back.'}
        </p>
        <div class="field">
          <label for="cancel-reason">Reason</label>
          <p id="cancel-reason-hint" class="hint">
            Optional. Kept with the order.
          </p>
          <textarea
            id="cancel-reason"
            data-autofocus
            rows={3}
            value={reason}
            aria-invalid={errors.byField.reason ? 'true' : undefined}
            aria-describedby={describedBy('cancel-reason-hint', errors.byField.reason && 'cancel-reason-error')}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          <FieldError id="cancel-reason-error" messages={errors.byField.reason} />
        </div>
        {errors.form.length > 0 ? (
          <div role="alert">
            <FieldError id="cancel-form-error" messages={errors.form} />
          </div>
        ) : null}
        <div class="dialog-actions">
          <button type="button" class="button" onClick={onClose}>
            Keep pending
          </button>
          <button type="submit" class="button button-danger" disabled={busy}>
            Mark as Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
