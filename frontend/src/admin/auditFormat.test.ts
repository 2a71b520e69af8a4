import { describe, expect, it } from 'vitest';
import { actionLabel, formatAuditNumber, outcomeLabel, parameterLabel } from './auditFormat';

describe('audit labels', () => {
  // Every action the API records: grep `record_event(` / `record_write(` / `apply_model(` in the
  // Python packages (auth/, gql/, server/, cli/, foundation/audit.py).
  const EMITTED = [
    'login',
    'refresh',
    'logout',
    'token.reuse',
    'user.created',
    'user.provisioned',
    'user.invited',
    'user.updated',
    'invitation.revoked',
    'apikey.created',
    'apikey.revoked',
    'leads.written',
    'lead.status',
    'scoring.updated',
    'scoring.rolledBack',
  ];

  it.each(EMITTED)('names %s in words', (code) => {
    const label = actionLabel(code);
    expect(label).not.toBe(code);
    expect(label).toMatch(/^[A-Z][A-Za-z -]+$/);
  });

  it('names them all differently, and keeps an unknown code as it is', () => {
    expect(new Set(EMITTED.map(actionLabel)).size).toBe(EMITTED.length);
    expect(actionLabel('apikey.revoked')).toBe('API key revoked');
    expect(actionLabel('leads.written')).toBe('Leads written');
    expect(actionLabel('made.up')).toBe('made.up');
  });

  it('flags outcomes other than success', () => {
    expect(outcomeLabel('success')).toBeNull();
    expect(outcomeLabel('failure')).toBe('failed');
    expect(outcomeLabel('partial')).toBe('partly rejected');
    expect(outcomeLabel('odd')).toBe('odd');
  });

  it('words model parameters as the editor does, and numbers without a trailing ".0"', () => {
    expect(parameterLabel('halfLifeDays')).toBe('Half-life (days)');
    expect(parameterLabel('thresholds.hot')).toBe('Hot threshold');
    expect(parameterLabel('caps.timeSpent')).toBe('Time spent cap (seconds)');
    expect(parameterLabel('somethingNew')).toBe('somethingNew');
    expect(formatAuditNumber(7.0)).toBe('7');
    expect(formatAuditNumber(0.35)).toBe('0.35');
    expect(formatAuditNumber(600)).toBe('600');
  });
});
