import { useEffect, useId, useState, type FormEvent } from 'react';
import { restoreSession } from '../auth/session';

/** The token of an invitation link (`/accept-invite#token=…`); it never reaches a server log. */
export function inviteToken(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && token.length > 0 ? token : null;
}

/**
 * Where an invitation link lands: choose a password, create the account, and be signed in
 * (the API sets the refresh cookie; the session is then restored from it).
 */
export default function AcceptInvitePage() {
  const id = useId();
  const [token] = useState(() => inviteToken(window.location.hash));
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = 'Accept invitation · Leadscore';
  }, []);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (password !== confirm) {
      setError('The two passwords differ.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/auth/accept-invite', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ token, password }),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as {
          error?: { message?: string; details?: { field?: string; message?: string }[] };
        } | null;
        const detail = body?.error?.details?.find((d) => d.field === 'password')?.message;
        const message = body?.error?.message ?? `The invitation could not be accepted (HTTP ${res.status}).`;
        setError(detail ? `${message}: ${detail}.` : message);
        setBusy(false);
        return;
      }
      window.history.replaceState(null, '', '/');
      await restoreSession();
    } catch {
      setError('Cannot reach the server. Check your connection and try again.');
      setBusy(false);
    }
  }

  return (
    <main id="main" className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm space-y-4">
        <h1 className="text-center text-lg font-semibold text-slate-800">Join your team on Leadscore</h1>
        {!token ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            This invitation link is incomplete. Ask your admin for a new one.
          </p>
        ) : (
          <form
            onSubmit={(e) => void onSubmit(e)}
            className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
            noValidate
          >
            <div>
              <label htmlFor={`${id}-password`} className="mb-1 block text-sm font-medium text-slate-800">
                Choose a password
              </label>
              <input
                id={`${id}-password`}
                type="password"
                autoComplete="new-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                aria-describedby={`${id}-rule`}
                className="block w-full rounded-md border border-slate-400 px-3 py-2 text-sm"
              />
              <p id={`${id}-rule`} className="mt-1 text-xs text-slate-600">
                A long, unique password: at least 12 characters unless your admin set otherwise.
              </p>
            </div>
            <div>
              <label htmlFor={`${id}-confirm`} className="mb-1 block text-sm font-medium text-slate-800">
                Repeat the password
              </label>
              <input
                id={`${id}-confirm`}
                type="password"
                autoComplete="new-password"
                required
                value={confirm}
                onChange={(e) => setConfirm(e.target.value)}
                className="block w-full rounded-md border border-slate-400 px-3 py-2 text-sm"
              />
            </div>
            {error && (
              <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
                {error}
              </p>
            )}
            <button
              type="submit"
              disabled={busy || !password}
              className="w-full rounded-md bg-blue-700 px-3 py-2 text-sm font-medium text-white hover:bg-blue-800 disabled:opacity-60"
            >
              Create my account
            </button>
          </form>
        )}
      </div>
    </main>
  );
}
