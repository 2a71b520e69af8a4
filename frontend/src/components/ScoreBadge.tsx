import type { Priority } from '../gql/graphql';
import { PRIORITY_LABEL, formatScore } from '../lib/format';

/** Tier colours; every badge also carries the tier as text, so colour is never the only cue. */
export const PRIORITY_STYLES: Record<Priority, { badge: string; dot: string; bar: string }> = {
  HOT: { badge: 'bg-red-50 text-red-800 ring-red-300', dot: 'bg-red-600', bar: 'bg-red-500' },
  WARM: { badge: 'bg-amber-50 text-amber-900 ring-amber-300', dot: 'bg-amber-500', bar: 'bg-amber-400' },
  COLD: { badge: 'bg-sky-50 text-sky-900 ring-sky-300', dot: 'bg-sky-600', bar: 'bg-sky-500' },
};

export interface ScoreBadgeProps {
  score: number;
  priority: Priority;
  className?: string;
}

/** "Hot 87.5" — coloured by priority tier, with the tier named in text. */
export function ScoreBadge({ score, priority, className = '' }: ScoreBadgeProps) {
  const label = PRIORITY_LABEL[priority] ?? priority;
  const styles = PRIORITY_STYLES[priority] ?? PRIORITY_STYLES.COLD;
  return (
    <span
      className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset tabular-nums ${styles.badge} ${className}`}
      title={`Priority ${label}, score ${score} of 100`}
      data-priority={priority}
    >
      {`${label} ${formatScore(score)}`}
    </span>
  );
}

/** Priority as text with a coloured dot (decorative). */
export function PriorityLabel({ priority }: { priority: Priority }) {
  const styles = PRIORITY_STYLES[priority] ?? PRIORITY_STYLES.COLD;
  return (
    <span className="inline-flex items-center gap-1.5 whitespace-nowrap">
      <span aria-hidden="true" className={`inline-block h-2 w-2 rounded-full ${styles.dot}`} />
      {PRIORITY_LABEL[priority] ?? priority}
    </span>
  );
}
