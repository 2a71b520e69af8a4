// Placeholder: the real admin screens (users, ingestion keys, audit log) are built on
// another branch and replace this file at merge. Default export, no props, lazy-loaded.
export default function AdminPage() {
  return (
    <section aria-labelledby="admin-heading" className="space-y-2">
      <h2 id="admin-heading" className="text-xl font-semibold text-slate-900">
        Administration
      </h2>
      <p className="text-sm text-slate-700">Users, ingestion keys and the audit log will appear here.</p>
    </section>
  );
}
