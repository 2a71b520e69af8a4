import { useEffect, useId, useState, type FormEvent } from 'react';
import { restoreSession } from '../auth/session';
import { asSentence } from '../lib/serverMessage';

/** The token of an invitation link (`/accept-invite#token=…`); it never reaches a server log. */
export function inviteToken(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && token.length > 0 ? token : null;
}

/** The usual minimum password length (the server's default; it checks the one in force). */
export const MIN_PASSWORD_LENGTH = 12;

/** Every problem the form can see before sending, all at once (empty: send it). */
export interface PasswordProblem {
  field: 'password' | 'confirm';
  message: string;
}

export function passwordProblems(password: string, confirm: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password !== confirm) {
    // Only with another problem to report: a password that is merely short goes to the
    // server, which knows the minimum in force.
    if (password.length < MIN_PASSWORD_LENGTH) {
      problems.push({ field: 'password', message: `The password is too short: use at least ${MIN_PASSWORD_LENGTH} characters.` });
    }
    problems.push({ field: 'confirm', message: 'The two passwords differ.' });
  }
  return problems;
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
  const [problems, setProblems] = useState<PasswordProblem[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = 'Accept invitation · Leadscore';
  }, []);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const found = passwordProblems(password, confirm);
    setProblems(found);
    if (found.length > 0) {
      setError(null);
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
        setError(asSentence(detail ? `${message}: ${detail}` : message));
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
                aria-invalid={problems.some((p) => p.field === 'password') ? true : undefined}
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
                aria-invalid={problems.some((p) => p.field === 'confirm') ? true : undefined}
                className="block w-full rounded-md border border-slate-400 px-3 py-2 text-sm"
              />
            </div>
            {problems.length > 0 && (
              <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="password-problems">
                {problems.length === 1 ? (
                  <p>{problems[0]!.message}</p>
                ) : (
                  <ul className="list-disc space-y-0.5 pl-5">
                    {problems.map((p) => (
                      <li key={p.field}>{p.message}</li>
                    ))}
                  </ul>
                )}
              </div>
            )}
            {error && (
              <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 wrap-anywhere">
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
