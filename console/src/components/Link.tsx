import type { ComponentChildren, JSX } from 'preact';
import { isPlainLeftClick, navigate } from '../lib/router';

interface LinkProps extends Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href'> {
  href: string;
  current?: boolean;
  children: ComponentChildren;
}

/** A real link that navigates without a page load; aria-current="page" when it is the page shown. */
export function Link({ href, current, children, onClick, ...rest }: LinkProps) {
  return (
    <a
      {...rest}
      href={href}
      aria-current={current ? 'page' : undefined}
      onClick={(event) => {
        onClick?.call(event.currentTarget, event);
        if (!isPlainLeftClick(event)) return;
        event.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
