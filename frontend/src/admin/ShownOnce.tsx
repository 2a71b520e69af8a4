import { useId, useLayoutEffect, useRef, useState } from 'react';

/** A secret (an ingestion key, an invitation link) shown once, with a copy button. */
export function ShownOnce({
  title,
  value,
  note,
  onDone,
}: {
  title: string;
  value: string;
  note: string;
  onDone: () => void;
}) {
  const id = useId();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  useLayoutEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      inputRef.current?.select();
      setCopied('failed');
    }
  }

  return (
    <div role="region" aria-labelledby={`${id}-title`} className="space-y-2 rounded-md border border-green-300 bg-green-50 p-4">
      <h3 id={`${id}-title`} className="text-sm font-semibold text-green-900">
        {title}
      </h3>
      <p id={`${id}-note`} className="text-sm text-green-900">
        {note}
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={`${id}-value`} className="sr-only">
          {title}
        </label>
        <input
          ref={inputRef}
          id={`${id}-value`}
          readOnly
          value={value}
          aria-describedby={`${id}-note`}
          className="min-w-0 flex-1 rounded-md border border-slate-400 bg-white px-2 py-1.5 font-mono text-xs"
        />
        <button
          type="button"
          onClick={() => void copy()}
          className="rounded-md bg-blue-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-800"
        >
          Copy
        </button>
        <button
          type="button"
          onClick={onDone}
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
        >
          Done
        </button>
      </div>
      <p role="status" className="text-sm text-green-900">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Copy failed: the text is selected, press Ctrl+C.' : ''}
      </p>
    </div>
  );
}
