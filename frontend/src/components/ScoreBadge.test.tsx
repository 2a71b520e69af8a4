import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { PriorityLabel, ScoreBadge } from './ScoreBadge';

describe('ScoreBadge', () => {
  it.each([
    ['HOT', 87.5, 'Hot 87.5'],
    ['WARM', 55, 'Warm 55'],
    ['COLD', 12.34, 'Cold 12.3'],
  ] as const)('labels %s leads with the tier name and score', (priority, score, text) => {
    render(<ScoreBadge score={score} priority={priority} />);
    const badge = screen.getByText((_, el) => el?.getAttribute('data-priority') === priority);
    expect(badge).toHaveTextContent(text);
    // The tier is conveyed in text, not by colour alone.
    expect(badge.textContent).toMatch(/^(Hot|Warm|Cold)/);
    expect(badge).toHaveAttribute('title', expect.stringContaining(`score ${score}`));
  });

  it('never rounds a score across a tier threshold: 69.97 is "Warm 69.9", not "Warm 70"', () => {
    render(<ScoreBadge score={69.97} priority="WARM" />);
    const badge = screen.getByText((_, el) => el?.getAttribute('data-priority') === 'WARM');
    expect(badge).toHaveTextContent(/^Warm 69\.9$/);
    expect(badge).toHaveAttribute('title', 'Priority Warm, score 69.97 of 100');
  });

  it('uses a different colour class per tier', () => {
    const { container } = render(
      <>
        <ScoreBadge score={90} priority="HOT" />
        <ScoreBadge score={50} priority="WARM" />
        <ScoreBadge score={10} priority="COLD" />
      </>,
    );
    const classes = Array.from(container.querySelectorAll('[data-priority]')).map((e) => e.className);
    expect(new Set(classes).size).toBe(3);
  });

  it('PriorityLabel shows the tier as text', () => {
    render(<PriorityLabel priority="WARM" />);
    expect(screen.getByText('Warm')).toBeInTheDocument();
  });
});
