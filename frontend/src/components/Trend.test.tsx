import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Sparkline, TrendArrow, trendSentence } from './Trend';

const trend = { change7d: 12.4, crossedAt: '2026-11-03T10:00:00Z', crossedFrom: 'WARM', crossedTo: 'HOT' };

describe('trend', () => {
  it('summarises the change and the last crossing', () => {
    expect(trendSentence(trend)).toBe('+12 since last week; crossed into hot on Nov 3');
    expect(trendSentence({ change7d: -3, crossedAt: null })).toBe('-3 since last week');
    expect(trendSentence(null)).toBe('No history yet');
  });

  it('shows an arrow with a text alternative', () => {
    render(<TrendArrow trend={trend} />);
    expect(screen.getByText('▲')).toBeTruthy();
    expect(screen.getByText(/Trend up: \+12 since last week/)).toBeTruthy();
  });

  it('draws the daily points and the score now, with a text alternative', () => {
    const points = [
      { at: '2026-11-01T00:00:00Z', score: 20, kind: 'day' },
      { at: '2026-11-01T08:00:00Z', score: 75, kind: 'tier' },
      { at: '2026-11-02T00:00:00Z', score: 40, kind: 'day' },
    ];
    render(<Sparkline points={points} score={80} />);
    const svg = screen.getByRole('img', { name: 'Score over the last 2 days: from 20 to 80' });
    expect(svg.querySelector('polyline')?.getAttribute('points')?.split(' ')).toHaveLength(3);
  });

  it('draws nothing without history', () => {
    const { container } = render(<Sparkline points={[]} score={50} />);
    expect(container.innerHTML).toBe('');
  });
});
