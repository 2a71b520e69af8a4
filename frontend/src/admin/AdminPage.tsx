import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { ApiKeysTab } from './ApiKeysTab';
import { AuditTab } from './AuditTab';
import { UsersTab } from './UsersTab';

const TABS = [
  { id: 'users', label: 'Users' },
  { id: 'keys', label: 'Ingestion keys' },
  { id: 'audit', label: 'Audit log' },
] as const;

type TabId = (typeof TABS)[number]['id'];

/** The tab a link names (`/admin#keys`), else Users. */
function tabFromHash(): TabId {
  const id = window.location.hash.slice(1);
  return TABS.find((t) => t.id === id)?.id ?? 'users';
}

/** The admin screens: users and invitations, ingestion keys, the audit log (lazy-loaded). */
export default function AdminPage() {
  const baseId = useId();
  const [active, setActive] = useState<TabId>(tabFromHash);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

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
    setActive(id);
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
              onClick={() => setActive(tab.id)}
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
