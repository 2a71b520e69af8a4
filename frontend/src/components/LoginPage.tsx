import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { AuthError, login } from '../auth/session';
import { isDemoServer } from '../lib/demo';
import { asSentence } from '../lib/serverMessage';

export const DEMO_HINT =
  'Demo: admin@acme.example, manager@acme.example, rep1@acme.example … rep4@acme.example — password Leadscore-demo-1';

export function LoginPage({ notice }: { notice?: string | null }) {
  const emailId = useId();
  const passwordId = useId();
  const errorId = useId();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in · Leadscore';
  }, []);

  // The Sign in button was disabled while busy: without this, focus falls to <body>. A layout
  // effect, as for every focus move here: it happens in the commit that shows the error, not later.
  useLayoutEffect(() => {
    if (error) emailRef.current?.focus();
  }, [error]);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (submitting) return;
    setSubmitting(true);
    setError(null);
    try {
      await login(email.trim(), password);
      // The session store switches the app to the dashboard.
    } catch (err) {
      setError(err instanceof AuthError ? asSentence(err.message) : 'Sign-in failed. Please try again.');
      setSubmitting(false);
    }
  }

  return (
    <main id="main" className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <p className="text-2xl font-bold tracking-tight text-blue-800">Leadscore</p>
          <h1 className="mt-1 text-lg font-semibold text-slate-800">Sign in to your workspace</h1>
        </div>
        <form
          onSubmit={(e) => void onSubmit(e)}
          className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
          aria-describedby={error ? errorId : undefined}
          noValidate
        >
          {notice && !error && (
            <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" role="status">
              {notice}
            </p>
          )}
          <div>
            <label htmlFor={emailId} className="mb-1 block text-sm font-medium text-slate-800">
              Email
            </label>
            <input
              id={emailId}
              ref={emailRef}
              name="email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              className="block w-full rounded-md border border-slate-400 px-3 py-2 text-sm"
            />
          </div>
          <div>
            <label htmlFor={passwordId} className="mb-1 block text-sm font-medium text-slate-800">
              Password
            </label>
            <input
              id={passwordId}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={error ? true : undefined}
              className="block w-full rounded-md border border-slate-400 px-3 py-2 text-sm"
            />
          </div>
          {error && (
            <p id={errorId} role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
              {error}
            </p>
          )}
          <button
            type="submit"
            disabled={submitting || email.trim() === '' || password === ''}
            aria-busy={submitting}
            className="w-full rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-blue-800 disabled:cursor-not-allowed disabled:bg-slate-400"
          >
            {submitting ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        {isDemoServer() && (
          <p className="mt-4 text-center text-xs text-slate-600" data-testid="demo-hint">
            {DEMO_HINT}
          </p>
        )}
      </div>
    </main>
  );
}
