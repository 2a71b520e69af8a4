import { Fragment } from 'react';

/**
 * An email address that wraps after "@" or "." (a <wbr> after each) rather than at any
 * character; `wrap-anywhere` on the container remains the last resort for a long part.
 */
export function EmailText({ email }: { email: string }) {
  const parts = email.split(/(?<=[@.])/);
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </>
  );
}
