import type { ComponentChildren } from 'preact';

/**
 * A table cell. On narrow screens tables become stacked cards and each cell shows
 * its column's name beside its value; that label is aria-hidden, so the cell's
 * accessible name stays its value alone (the column header already names it).
 */
export function Cell({
  label,
  id,
  class: className,
  children,
}: {
  label: string;
  id?: string;
  class?: string;
  children: ComponentChildren;
}) {
  return (
    <td role="cell" id={id} class={className}>
      <span class="cell-label" aria-hidden="true">
        {label}
      </span>
      <span class="cell-value">{children}</span>
    </td>
  );
}
