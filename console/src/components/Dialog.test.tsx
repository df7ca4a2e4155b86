import { fireEvent, render, screen } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { describe, expect, it } from 'vitest';
import { Dialog } from './Dialog';

function Harness() {
  const [open, setOpen] = useState(false);
  return (
    <div>
      <button type="button" onClick={() => setOpen(true)}>
        View
      </button>
      {open ? (
        <Dialog labelledBy="t" onClose={() => setOpen(false)}>
          <h2 id="t">Order #1001</h2>
          <button type="button" data-autofocus onClick={() => setOpen(false)}>
            Close
          </button>
        </Dialog>
      ) : null}
    </div>
  );
}

describe('Dialog', () => {
  it('is a labelled modal that takes focus, closes on Escape and gives focus back', async () => {
    render(<Harness />);
    const opener = screen.getByRole('button', { name: 'View' });
    opener.focus();
    fireEvent.click(opener);
    const dialog = document.querySelector('dialog')!;
    expect(dialog.getAttribute('aria-labelledby')).toBe('t');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.open).toBe(true);
    expect(document.activeElement?.textContent).toBe('Close');

    // Escape: the browser fires "cancel" on the open modal dialog.
    fireEvent(dialog, new Event('cancel', { cancelable: true }));
    expect(document.querySelector('dialog')).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(document.activeElement).toBe(opener);
  });
});

describe('focus inside a dialog', () => {
  it('Tab from the last control wraps to the first, Shift+Tab from the first to the last', () => {
    function Two() {
      return (
        <Dialog labelledBy="t2" onClose={() => {}}>
          <h2 id="t2">Two</h2>
          <button type="button" data-autofocus>
            First
          </button>
          <button type="button">Last</button>
        </Dialog>
      );
    }
    render(<Two />);
    const dialog = document.querySelector('dialog')!;
    const first = screen.getByRole('button', { name: 'First' });
    const last = screen.getByRole('button', { name: 'Last' });
    // happy-dom lays nothing out: treat every element as visible.
    for (const el of [first, last]) Object.defineProperty(el, 'getClientRects', { value: () => [{}] });
    last.focus();
    fireEvent.keyDown(dialog, { key: 'Tab' });
    expect(document.activeElement).toBe(first);
    fireEvent.keyDown(dialog, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(last);
  });
});
