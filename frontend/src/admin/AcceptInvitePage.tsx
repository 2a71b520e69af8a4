// Placeholder: the real page (choose a password for an invitation link) is built on another
// branch and replaces this file at merge. Default export, no props; App lazy-loads it at
// /accept-invite#token=….
export default function AcceptInvitePage() {
  return (
    <main id="main" className="mx-auto max-w-md px-4 py-10">
      <h1 className="text-xl font-semibold text-slate-900">Join your team on Leadscore</h1>
    </main>
  );
}
