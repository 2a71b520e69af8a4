import { useState, type FormEvent } from 'react';
import { adminError } from './request';

/** A form's submit on the admin screens: `busy` while `action` runs, its failure as `error` (a message for people). */
export function useAdminSubmit(action: () => Promise<void>) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await action();
    } catch (err) {
      setError(adminError(err));
    } finally {
      setBusy(false);
    }
  }

  return { error, busy, onSubmit };
}
