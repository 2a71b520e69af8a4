import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { buyerChange, Sparkline, TrendArrow, trendSentence, trendShortText } from './Trend';

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

  it('says when the change spans a model change, and greys the arrow (UI QA s18 #3)', () => {
    const across = { ...trend, change7d: 35, modelChangedAt: '2026-11-30T09:00:00Z' };
    expect(trendSentence(across)).toBe(
      '+35 since last week; crossed into hot on Nov 3 (includes the model change of Nov 30)',
    );
    render(<TrendArrow trend={across} />);
    const arrow = screen.getByTestId('trend-arrow');
    expect(arrow.className).toContain('text-slate-500');
    expect(arrow.className).not.toContain('text-green-700');
    expect(screen.getByText(/includes the model change of Nov 30/)).toBeTruthy();
  });

  it("splits off the model's share in words and points the arrow at the buyer's part (UI QA M1, L4)", () => {
    const across = { ...trend, change7d: 35, modelShare7d: 34, crossedAt: '2026-11-30T10:00:00Z', modelChangedAt: '2026-11-30T09:00:00Z' };
    expect(trendSentence(across)).toBe(
      '+35 since last week, of which +34 from the model change of Nov 30; crossed into hot on Nov 30',
    );
    expect(trendShortText(across)).toBe('+35 · model +34');
    render(<TrendArrow trend={across} withText />);
    // the buyer's part, +1, is flat: no up arrow, no green
    expect(screen.getByText('▶')).toBeTruthy();
    expect(screen.queryByText('▲')).toBeNull();
    expect(screen.getByTestId('trend-arrow').className).not.toContain('text-green-700');
    expect(screen.getByTestId('trend-short').textContent).toBe('+35 · model +34');
    expect(
      screen.getByText(
        'Trend flat without the model change: +35 since last week, of which +34 from the model change of Nov 30; crossed into hot on Nov 30',
      ),
    ).toBeTruthy();
  });

  it("shows a buyer's own surge across a model change as up", () => {
    const surge = { change7d: 99, modelShare7d: 20, modelChangedAt: '2026-11-30T09:00:00Z' };
    expect(buyerChange(surge)).toBe(79);
    render(<TrendArrow trend={surge} withText />);
    expect(screen.getByText('▲')).toBeTruthy();
    expect(screen.getByTestId('trend-arrow').className).toContain('text-green-700');
    expect(screen.getByTestId('trend-short').textContent).toBe('+99 · model +20');
  });

  it('shows a visible "model change" tag when the share is not known', () => {
    render(<TrendArrow trend={{ change7d: 35, modelShare7d: null, modelChangedAt: '2026-11-30T09:00:00Z' }} withText />);
    expect(screen.getByTestId('trend-short').textContent).toBe('model change');
  });

  it('shows no short text without a model change, or when not asked', () => {
    render(<TrendArrow trend={trend} withText />);
    expect(screen.queryByTestId('trend-short')).toBeNull();
    expect(trendShortText({ change7d: 35, modelShare7d: 34, modelChangedAt: '2026-11-30T09:00:00Z' })).toBe('+35 · model +34');
  });

  it('draws the daily scores and the score now, with a text alternative', () => {
    render(<Sparkline scores={[20, 40]} score={80} />);
    const svg = screen.getByRole('img', { name: 'Score over the last 2 days: from 20 to 80' });
    // 20, 40, then the score now (80), evenly spread over the 80 × 20 box.
    expect(svg.querySelector('polyline')?.getAttribute('points')?.split(' ')).toEqual(['0.0,16.0', '40.0,12.0', '80.0,4.0']);
  });

  it('draws nothing without history', () => {
    const { container } = render(<Sparkline scores={[]} score={50} />);
    expect(container.innerHTML).toBe('');
  });
});
