import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';

interface DialogProps {
  /** The id of the element that titles the dialog (its heading). */
  labelledBy: string;
  describedBy?: string;
  onClose: () => void;
  /** Where focus goes when the element that opened the dialog is gone (e.g. its row left the list). */
  fallbackFocus?: () => HTMLElement | null;
  class?: string;
  children: ComponentChildren;
}

/**
 * A modal <dialog>: shown with showModal() when mounted (the rest of the page is
 * inert, so focus stays inside), Escape closes it, and focus returns to the
 * element that opened it when it is unmounted.
 */
export function Dialog({ labelledBy, describedBy, onClose, fallbackFocus, class: className, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const fallbackRef = useRef(fallbackFocus);
  fallbackRef.current = fallbackFocus;

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (typeof dialog.showModal === 'function') {
      if (!dialog.open) dialog.showModal();
    } else {
      dialog.setAttribute('open', '');
    }
    const auto = dialog.querySelector<HTMLElement>('[data-autofocus]');
    auto?.focus();
    return () => {
      if (dialog.open && typeof dialog.close === 'function') dialog.close();
      const target = opener && opener.isConnected ? opener : (fallbackRef.current?.() ?? null);
      // After the dialog has left the top layer.
      setTimeout(() => target?.focus(), 0);
    };
  }, []);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const onCancel = (event: Event) => {
      event.preventDefault();
      closeRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => dialog.removeEventListener('cancel', onCancel);
  }, []);

  return (
    <dialog
      ref={ref}
      class={className ? `dialog ${className}` : 'dialog'}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      aria-modal="true"
      onKeyDown={(event) => {
        // Tab wraps inside the dialog instead of leaving for the browser's own controls.
        if (event.key !== 'Tab' || !ref.current) return;
        const items = focusableIn(ref.current);
        const first = items[0];
        const last = items[items.length - 1];
        if (!first || !last) return;
        const active = document.activeElement;
        if (event.shiftKey && (active === first || active === ref.current)) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && active === last) {
          event.preventDefault();
          first.focus();
        }
      }}
    >
      {children}
    </dialog>
  );
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** The elements Tab reaches inside `root`, in order. */
export function focusableIn(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => !el.closest('[inert]') && (el.offsetParent !== null || el.getClientRects().length > 0 || el === document.activeElement),
  );
}
