import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import { setLocationSearch, useLocationSearch } from '../hooks/usePath';
import { type AdminTab, parseAdminTab, tabQuery } from './adminQuery';
import { ApiKeysTab } from './ApiKeysTab';
import { AuditTab } from './AuditTab';
import { UsersTab } from './UsersTab';

const TABS: readonly { id: AdminTab; label: string }[] = [
  { id: 'users', label: 'Users' },
  { id: 'keys', label: 'Ingestion keys' },
  { id: 'audit', label: 'Audit log' },
];

/**
 * The admin screens: users and invitations, ingestion keys, the audit log (lazy-loaded). The
 * tab is in the URL (`/admin?tab=keys`), with the audit log's filters: reload and links keep them.
 */
export default function AdminPage() {
  const baseId = useId();
  const active = parseAdminTab(useLocationSearch(), window.location.hash);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  function select(tab: AdminTab) {
    // Another tab starts without the parameters of this one (the audit log's filters).
    if (tab !== active) setLocationSearch(tabQuery(tab));
  }

  useEffect(() => {
    document.title = 'Admin · Leadscore';
  }, []);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const index = TABS.findIndex((t) => t.id === active);
    const next =
      e.key === 'ArrowRight'
        ? (index + 1) % TABS.length
        : e.key === 'ArrowLeft'
          ? (index - 1 + TABS.length) % TABS.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? TABS.length - 1
              : null;
    if (next === null) return;
    e.preventDefault();
    const id = TABS[next]!.id;
    select(id);
    tabRefs.current[id]?.focus();
  }

  return (
    <section aria-labelledby={`${baseId}-title`} className="space-y-4">
      <h2 id={`${baseId}-title`} className="text-xl font-semibold text-slate-900">
        Administration
      </h2>
      <div
        role="tablist"
        aria-label="Administration"
        className="flex gap-1 overflow-x-auto border-b border-slate-200"
        onKeyDown={onKeyDown}
      >
        {TABS.map((tab) => {
          const selected = tab.id === active;
          return (
            <button
              key={tab.id}
              ref={(el) => {
                tabRefs.current[tab.id] = el;
              }}
              type="button"
              role="tab"
              id={`${baseId}-tab-${tab.id}`}
              aria-selected={selected}
              aria-controls={`${baseId}-panel-${tab.id}`}
              tabIndex={selected ? 0 : -1}
              onClick={() => select(tab.id)}
              className={`whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${
                selected ? 'border-blue-700 text-blue-800' : 'border-transparent text-slate-700 hover:text-slate-900'
              }`}
            >
              {tab.label}
            </button>
          );
        })}
      </div>
      {TABS.map((tab) => (
        <div
          key={tab.id}
          role="tabpanel"
          id={`${baseId}-panel-${tab.id}`}
          aria-labelledby={`${baseId}-tab-${tab.id}`}
          hidden={tab.id !== active}
          tabIndex={0}
        >
          {tab.id === active && tab.id === 'users' && <UsersTab />}
          {tab.id === active && tab.id === 'keys' && <ApiKeysTab />}
          {tab.id === active && tab.id === 'audit' && <AuditTab />}
        </div>
      ))}
    </section>
  );
}
