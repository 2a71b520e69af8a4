import { describe, expect, it } from 'vitest';
import { GraphQLRequestError } from '../api/client';
import { draftOf, inputOf, noteError, sameModel, serverFieldErrors, validate, type Draft } from './draft';
import { historyOf, modelBefore } from './history';
import { model } from './fakeModelApi';

const base = (): Draft => draftOf(model(1));

function withValues(values: Partial<Draft>): Draft {
  return { ...base(), ...values };
}

describe('validate mirrors foundation/model_rules.py', () => {
  it('accepts the defaults and the bounds themselves', () => {
    expect(validate(base())).toEqual({});
    expect(
      validate(
        withValues({
          'weights.emailOpens': '1000',
          'weights.websiteVisits': '0',
          'weights.timeSpent': '0',
          'caps.timeSpent': '1e12',
          halfLifeDays: '0.01',
          'thresholds.hot': '40',
          'thresholds.warm': '40',
        }),
      ),
    ).toEqual({});
    expect(validate(withValues({ halfLifeDays: '3650', 'thresholds.hot': '100', 'thresholds.warm': '0' }))).toEqual({});
  });

  it('names each bad field, and the rules across fields', () => {
    expect(
      validate(
        withValues({
          'weights.emailOpens': '0',
          'weights.websiteVisits': '0',
          'weights.timeSpent': '0',
          'caps.emailOpens': '1e13',
          'caps.websiteVisits': '-2',
          halfLifeDays: '0.009',
          'thresholds.hot': '101',
          'thresholds.warm': 'x',
        }),
      ),
    ).toEqual({
      weights: 'at least one weight must be positive',
      'caps.emailOpens': 'must be at most 1e+12',
      'caps.websiteVisits': 'must be positive',
      halfLifeDays: 'must be 0.01–3650 days',
      'thresholds.hot': 'must be 0–100',
      'thresholds.warm': 'must be a number',
    });
    expect(validate(withValues({ 'weights.timeSpent': '1000.5', 'thresholds.warm': '71' }))).toEqual({
      'weights.timeSpent': 'must be at most 1000',
      thresholds: 'warm must not be above hot (0 ≤ warm ≤ hot ≤ 100)',
    });
    expect(validate(withValues({ 'caps.emailOpens': ' ', halfLifeDays: 'Infinity' }))).toEqual({
      'caps.emailOpens': 'is required',
      halfLifeDays: 'must be a number',
    });
  });

  it('builds the input from a valid draft and compares it with the model', () => {
    const draft = withValues({ 'weights.emailOpens': ' 0.5 ' });
    expect(inputOf(draft).weights).toEqual({ emailOpens: 0.5, websiteVisits: 0.35, timeSpent: 0.25 });
    expect(sameModel(draft, model(1))).toBe(false);
    expect(sameModel(withValues({ 'weights.emailOpens': '0.40' }), model(1))).toBe(true);
    expect(sameModel(withValues({ 'weights.emailOpens': '' }), model(1))).toBe(false);
  });

  it('requires a note of at most 500 characters', () => {
    expect(noteError('  ')).toBe('is required: say why the model changes');
    expect(noteError('x'.repeat(501))).toBe('must be at most 500 characters');
    expect(noteError(' why ')).toBeNull();
  });
});

describe('server errors and history', () => {
  it('reads every field detail of a BAD_USER_INPUT error', () => {
    const err = new GraphQLRequestError('invalid weights, note', 'BAD_USER_INPUT', 200, [
      {
        message: 'invalid weights, note',
        extensions: { code: 'BAD_USER_INPUT', details: [{ field: 'weights', message: 'm1' }, { field: 'note', message: 'm2' }] },
      },
    ]);
    expect(serverFieldErrors(err)).toEqual({ weights: 'm1', note: 'm2' });
    expect(serverFieldErrors(new GraphQLRequestError('no', 'FORBIDDEN', 200))).toBeNull();
  });

  it('recovers the starting model from the oldest version’s diff', () => {
    const v2 = {
      version: 2,
      actorId: 'm1',
      actorName: 'Max Manager',
      at: '2026-11-20T10:00:00Z',
      note: 'n',
      config: model(2, { halfLifeDays: 3, thresholds: { hot: 80, warm: 40 } }),
      changes: [
        { parameter: 'halfLifeDays', before: 7, after: 3 },
        { parameter: 'thresholds.hot', before: 70, after: 80 },
      ],
    };
    expect(modelBefore(v2)).toEqual({
      weights: { emailOpens: 0.4, websiteVisits: 0.35, timeSpent: 0.25 },
      caps: { emailOpens: 10, websiteVisits: 20, timeSpent: 600 },
      halfLifeDays: 7,
      thresholds: { hot: 70, warm: 40 },
    });
    const history = historyOf([v2]);
    expect(history.entries.map((e) => [e.version, e.stored])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(historyOf([{ ...v2, version: 5 }]).starting).toBeNull();
    expect(historyOf([]).entries).toEqual([]);
  });
});
