import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { __resetSessionForTests, getSessionState } from '../auth/session';
import AcceptInvitePage, { inviteToken } from './AcceptInvitePage';

const PAYLOAD = {
  accessToken: 'access-new',
  refreshToken: 'r',
  tokenType: 'Bearer',
  expiresIn: 900,
  user: { userId: 'n1', tenantId: 't1', email: 'new@example.com', name: 'Nora New', role: 'rep' },
};

function answer(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

beforeEach(() => {
  __resetSessionForTests('anonymous');
  window.history.replaceState(null, '', '/accept-invite#token=tok-123');
});

describe('AcceptInvitePage', () => {
  it('reads the token from the fragment', () => {
    expect(inviteToken('#token=abc-_1')).toBe('abc-_1');
    expect(inviteToken('')).toBeNull();
    expect(inviteToken('#token=')).toBeNull();
  });

  it('creates the account and signs in through the refresh cookie', async () => {
    const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
      const url = String(input);
      if (url === '/auth/accept-invite') return answer(PAYLOAD);
      if (url === '/auth/refresh') return answer(PAYLOAD);
      return new Response('not found', { status: 404 });
    });
    vi.stubGlobal('fetch', fetchMock);
    const user = userEvent.setup();
    render(<AcceptInvitePage />);
    await user.type(screen.getByLabelText('Choose a password'), 'Correct-horse-battery-1');
    await user.type(screen.getByLabelText('Repeat the password'), 'Correct-horse-battery-1');
    await user.click(screen.getByRole('button', { name: 'Create my account' }));
    await waitFor(() => expect(getSessionState().status).toBe('authenticated'));
    const [url, init] = fetchMock.mock.calls[0]! as unknown as [string, RequestInit];
    expect(url).toBe('/auth/accept-invite');
    expect(JSON.parse(String(init.body))).toEqual({ token: 'tok-123', password: 'Correct-horse-battery-1' });
    expect(window.location.hash).toBe('');
    expect(getSessionState().user?.name).toBe('Nora New');
  });

  it('shows why a used or weak invitation is refused', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        answer(
          {
            error: {
              code: 'INVALID_PARAMS',
              message: 'this invitation was already used; sign in instead',
              details: [{ field: 'token', message: 'already used' }],
            },
          },
          400,
        ),
      ),
    );
    const user = userEvent.setup();
    render(<AcceptInvitePage />);
    await user.type(screen.getByLabelText('Choose a password'), 'Correct-horse-battery-1');
    await user.type(screen.getByLabelText('Repeat the password'), 'Correct-horse-battery-1');
    await user.click(screen.getByRole('button', { name: 'Create my account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('already used; sign in instead.');
  });

  it('refuses two different passwords without calling the server', async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    const user = userEvent.setup();
    render(<AcceptInvitePage />);
    await user.type(screen.getByLabelText('Choose a password'), 'Correct-horse-battery-1');
    await user.type(screen.getByLabelText('Repeat the password'), 'Correct-horse-battery-2');
    await user.click(screen.getByRole('button', { name: 'Create my account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The two passwords differ.');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('names a too-short password and a differing repeat at once, without calling the server', async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    const user = userEvent.setup();
    render(<AcceptInvitePage />);
    await user.type(screen.getByLabelText('Choose a password'), 'short');
    await user.type(screen.getByLabelText('Repeat the password'), 'different');
    await user.click(screen.getByRole('button', { name: 'Create my account' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'The password is too short: use at least 12 characters.',
      'The two passwords differ.',
    ]);
    expect(screen.getByLabelText('Choose a password')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Repeat the password')).toHaveAttribute('aria-invalid', 'true');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('leaves a short but matching password to the server, which knows the minimum in force', async () => {
    const fetchMock = vi.fn(async () =>
      answer(
        {
          error: {
            code: 'INVALID_PARAMS',
            message: 'invalid password',
            details: [{ field: 'password', message: 'must be at least 12 characters' }],
          },
        },
        400,
      ),
    );
    vi.stubGlobal('fetch', fetchMock);
    const user = userEvent.setup();
    render(<AcceptInvitePage />);
    await user.type(screen.getByLabelText('Choose a password'), 'short-pw');
    await user.type(screen.getByLabelText('Repeat the password'), 'short-pw');
    await user.click(screen.getByRole('button', { name: 'Create my account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid password: must be at least 12 characters.');
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('explains an incomplete link', () => {
    window.history.replaceState(null, '', '/accept-invite');
    render(<AcceptInvitePage />);
    expect(screen.getByRole('alert')).toHaveTextContent('incomplete');
  });
});
