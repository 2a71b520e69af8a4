import { describe, expect, it } from 'vitest';
import { asSentence } from './serverMessage';

describe('asSentence (UI QA L7)', () => {
  it('capitalises the first letter and ends with a full stop', () => {
    expect(asSentence('invalid email or password')).toBe('Invalid email or password.');
    expect(asSentence("a key named 'qa-key' exists")).toBe("A key named 'qa-key' exists.");
  });

  it('leaves a finished sentence alone', () => {
    expect(asSentence('Invalid email or password.')).toBe('Invalid email or password.');
    expect(asSentence('  Too many requests!  ')).toBe('Too many requests!');
    expect(asSentence('')).toBe('');
  });
});
