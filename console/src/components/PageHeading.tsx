import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { takeFocusRequest } from '../app/focus';

/** The one h1 of a screen; it names the document and takes focus after a navigation. */
export function PageHeading({ title, id, children }: { title: string; id?: string; children?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · order-import`;
    if (takeFocusRequest()) ref.current?.focus();
  }, [title]);
  return (
    <h1 ref={ref} id={id} tabIndex={-1} class="page-title">
      {children ?? title}
    </h1>
  );
}
