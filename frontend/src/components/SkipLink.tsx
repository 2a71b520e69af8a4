import type { MouseEvent, ReactNode } from 'react';

/** Hidden until focused; then a visible chip where it stands (pass a position in `className`). */
const SKIP_LINK =
  'sr-only rounded bg-white text-sm font-medium text-blue-800 underline underline-offset-2 shadow focus:not-sr-only focus:px-3 focus:py-2';

/**
 * A "Skip to …" link for keyboard users: moves focus to the element with `targetId` (which
 * should carry tabIndex={-1}), so the next Tab continues from there. The URL is left alone.
 */
export function SkipLink({ targetId, className = '', children }: { targetId: string; className?: string; children: ReactNode }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    const target = document.getElementById(targetId);
    if (!target) return;
    e.preventDefault();
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus();
  };
  return (
    <a href={`#${targetId}`} onClick={onClick} className={`${SKIP_LINK} ${className}`}>
      {children}
    </a>
  );
}
