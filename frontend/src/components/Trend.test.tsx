import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { buyerChange, modelChangePosition, Sparkline, TrendArrow, trendSentence, trendShortText } from './Trend';

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

  it('marks a model change in the span with a dashed tick and names it (UI QA: jump without a marker)', () => {
    // Four daily points, the last a day before the score's moment: Nov 30 09:00 is a day back.
    render(<Sparkline scores={[30, 30, 30, 30]} score={75} modelChangedAt="2026-11-30T09:00:00Z" endAt="2026-12-01T09:00:00Z" />);
    const svg = screen.getByRole('img', { name: 'Score over the last 4 days: from 30 to 75; model changed Nov 30' });
    expect(svg.querySelector('title')?.textContent).toBe('Score over the last 4 days: from 30 to 75; model changed Nov 30');
    const tick = screen.getByTestId('sparkline-model-change');
    expect(tick.tagName.toLowerCase()).toBe('line');
    // At the fourth point (60 of 80), the whole height, dashed: a shape, not only a colour.
    expect([tick.getAttribute('x1'), tick.getAttribute('x2'), tick.getAttribute('y1'), tick.getAttribute('y2')]).toEqual(['60.0', '60.0', '0', '20']);
    expect(tick).toHaveAttribute('stroke-dasharray');
    expect(tick).toHaveClass('text-slate-500');
  });

  it('places the tick by time and leaves out a model change outside the span', () => {
    expect(modelChangePosition('2026-12-01T09:00:00Z', '2026-12-01T09:00:00Z', 30)).toBe(1);
    expect(modelChangePosition('2026-11-16T09:00:00Z', '2026-12-01T09:00:00Z', 30)).toBe(0.5);
    expect(modelChangePosition('2026-11-01T09:00:00Z', '2026-12-01T09:00:00Z', 30)).toBe(0);
    expect(modelChangePosition('2026-10-31T09:00:00Z', '2026-12-01T09:00:00Z', 30)).toBeNull();
    expect(modelChangePosition('2026-12-02T09:00:00Z', '2026-12-01T09:00:00Z', 30)).toBeNull();
    expect(modelChangePosition(null, '2026-12-01T09:00:00Z', 30)).toBeNull();
    expect(modelChangePosition('2026-11-30T09:00:00Z', null, 30)).toBeNull();

    render(<Sparkline scores={[30, 30]} score={75} modelChangedAt="2026-11-20T09:00:00Z" endAt="2026-12-01T09:00:00Z" />);
    expect(screen.getByRole('img', { name: 'Score over the last 2 days: from 30 to 75' })).toBeInTheDocument();
    expect(screen.queryByTestId('sparkline-model-change')).toBeNull();
  });

  it('draws nothing without history', () => {
    const { container } = render(<Sparkline scores={[]} score={50} />);
    expect(container.innerHTML).toBe('');
  });
});
