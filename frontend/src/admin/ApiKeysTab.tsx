import { useId, useLayoutEffect, useRef, useState } from 'react';
import useSWR from 'swr';
import { gqlRequest } from '../api/client';
import type {
  ApiKeysQuery,
  CreateApiKeyMutation,
  CreateApiKeyMutationVariables,
  RevokeApiKeyMutation,
  RevokeApiKeyMutationVariables,
} from '../gql/graphql';
import { ConfirmAction } from './ConfirmAction';
import { API_KEYS_QUERY, CREATE_API_KEY_MUTATION, REVOKE_API_KEY_MUTATION } from './operations';
import { adminError, adminFieldError, adminSWR, formatWhen } from './request';
import { ShownOnce } from './ShownOnce';
import { useAdminSubmit } from './useAdminSubmit';

type Key = ApiKeysQuery['apiKeys'][number];

export function ApiKeysTab() {
  const keys = useSWR<ApiKeysQuery>('ApiKeys', () => gqlRequest<ApiKeysQuery>(API_KEYS_QUERY), adminSWR);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function revoke(key: Key) {
    setError(null);
    try {
      await gqlRequest<RevokeApiKeyMutation, RevokeApiKeyMutationVariables>(REVOKE_API_KEY_MUTATION, { keyId: key.keyId });
      setNotice(`Key ${key.name} was revoked: requests with it are refused from now on.`);
      await keys.mutate();
    } catch (err) {
      setError(adminError(err));
    }
  }

  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-700">
        Ingestion keys let a machine client (a CRM sync) record interactions and events for this tenant, and nothing
        else. Send one as <code className="rounded bg-slate-100 px-1">Authorization: Bearer lsk_…</code>.
      </p>
      <CreateKeyForm onCreated={() => void keys.mutate()} />
      <div className="space-y-2">
        <h3 className="text-base font-semibold text-slate-900">Keys</h3>
        <p role="status" className="text-sm text-slate-700">
          {notice}
        </p>
        {(error || keys.error) && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {error ?? adminError(keys.error)}
          </p>
        )}
        {!keys.data && !keys.error && <p className="text-sm text-slate-600">Loading keys…</p>}
        {keys.data && keys.data.apiKeys.length === 0 && <p className="text-sm text-slate-600">No keys yet.</p>}
        {keys.data && keys.data.apiKeys.length > 0 && (
          <ul aria-label="Ingestion keys" className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white">
            {keys.data.apiKeys.map((key) => (
              <KeyRow key={key.keyId} apiKey={key} onRevoke={revoke} />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

function KeyRow({ apiKey, onRevoke }: { apiKey: Key; onRevoke: (key: Key) => Promise<void> }) {
  return (
    <li className="flex flex-wrap items-center gap-3 px-3 py-3" data-testid={`key-${apiKey.keyId}`}>
      <div className="min-w-0 basis-full sm:basis-0 sm:flex-1">
        <p className="font-medium text-slate-900">{apiKey.name}</p>
        <p className="text-sm text-slate-700">
          <span className="font-mono">{apiKey.prefix}…</span> · {apiKey.isActive ? 'active' : `revoked ${formatWhen(apiKey.revokedAt)}`}
        </p>
        <p className="text-xs text-slate-600">
          Created {formatWhen(apiKey.createdAt)} · last used {formatWhen(apiKey.lastUsedAt)}
        </p>
      </div>
      {apiKey.isActive && (
        <ConfirmAction
          label="Revoke"
          accessibleName={`Revoke ${apiKey.name}`}
          question={`Revoke ${apiKey.name}? Clients using it stop at once.`}
          confirmLabel="Yes, revoke"
          onConfirm={() => onRevoke(apiKey)}
        />
      )}
    </li>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: () => void }) {
  const id = useId();
  const [name, setName] = useState('');
  // A name the server refused (taken, too long): said under the field, which gets the focus.
  const [nameError, setNameError] = useState<{ message: string } | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const { error, busy, onSubmit } = useAdminSubmit(async () => {
    setNameError(null);
    let data: CreateApiKeyMutation;
    try {
      data = await gqlRequest<CreateApiKeyMutation, CreateApiKeyMutationVariables>(CREATE_API_KEY_MUTATION, {
        name: name.trim(),
      });
    } catch (err) {
      const message = adminFieldError(err, 'name');
      if (message === null) throw err;
      setNameError({ message });
      return;
    }
    setCreated({ key: data.createApiKey.key, name: data.createApiKey.apiKey.name });
    setName('');
    onCreated();
  });

  useLayoutEffect(() => {
    // After the render that describes the field by its error, so that is read with it.
    if (nameError) nameRef.current?.focus();
  }, [nameError]);

  if (created) {
    return (
      <ShownOnce
        title={`New key ${created.name}`}
        value={created.key}
        note="Copy the key now and store it in the client's secret store: it is not shown again (only its hash is kept)."
        onDone={() => setCreated(null)}
      />
    );
  }
  return (
    <form onSubmit={(e) => void onSubmit(e)} className="space-y-1" noValidate>
      <label htmlFor={`${id}-name`} className="block text-sm font-medium text-slate-800">
        Key name
      </label>
      <div className="flex flex-wrap items-center gap-3">
        <input
          ref={nameRef}
          id={`${id}-name`}
          value={name}
          placeholder="hubspot-sync"
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? `${id}-name-error` : undefined}
          onChange={(e) => {
            setName(e.target.value);
            setNameError(null);
          }}
          className={`block w-full rounded-md border px-2 py-1.5 text-sm sm:w-auto ${nameError ? 'border-red-600' : 'border-slate-400'}`}
        />
        <button
          type="submit"
          disabled={busy || !name.trim()}
          className="rounded-md bg-blue-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-800 disabled:opacity-60"
        >
          Create key
        </button>
      </div>
      {nameError && (
        <p id={`${id}-name-error`} className="text-sm font-medium text-red-700">
          {nameError.message}
        </p>
      )}
      {error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}
    </form>
  );
}
