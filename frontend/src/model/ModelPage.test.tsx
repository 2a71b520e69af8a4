import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { __setSessionForTests } from '../auth/session';
import { renderWithSWR, setUrl } from '../test/render';
import { installFakeModelApi, MANAGER, REP, SUGGESTED } from './fakeModelApi';
import ModelPage from './ModelPage';
import { PREVIEW_DEBOUNCE_MS } from './usePreview';

beforeEach(() => {
  setUrl('');
  __setSessionForTests(MANAGER, 'access-manager');
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function seriousViolations(root: HTMLElement) {
  const result = await axe.run(root, { rules: { 'color-contrast': { enabled: false } } });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

async function openEditor() {
  renderWithSWR(<ModelPage suggestionPollMs={20} />);
  await screen.findByTestId('model-in-force');
  return userEvent.setup();
}

async function retype(user: ReturnType<typeof userEvent.setup>, label: string, value: string) {
  const input = screen.getByLabelText(label);
  await user.clear(input);
  if (value) await user.type(input, value);
}

describe('the model in force, its report and its history', () => {
  it('shows every parameter, the report of the model in force and the versions with their diffs', async () => {
    const api = installFakeModelApi();
    const { container } = renderWithSWR(<ModelPage />);
    expect(await screen.findByTestId('model-in-force')).toHaveTextContent('In force: version 3');
    expect(screen.getByLabelText('Email opens weight')).toHaveValue('0.4');
    expect(screen.getByLabelText('Time spent cap (seconds)')).toHaveValue('600');
    expect(screen.getByLabelText('Half-life (days)')).toHaveValue('5');
    expect(screen.getByLabelText('Hot threshold')).toHaveValue('70');
    expect(screen.getByLabelText('Warm threshold')).toHaveValue('40');

    const report = await screen.findByTestId('model-report');
    expect(report).toHaveTextContent('0.71');
    expect(report).toHaveTextContent('2.1×');
    expect(within(report).getByRole('table', { name: 'Conversion by tier' })).toHaveTextContent('Hot');

    const v3 = await screen.findByTestId('version-3');
    expect(v3).toHaveTextContent('in force');
    expect(v3).toHaveTextContent('by you');
    expect(v3).toHaveTextContent('Note: faster decay');
    expect(within(v3).getByRole('row', { name: /Half-life/ })).toHaveTextContent(/10\s*5/);
    expect(within(v3).queryByRole('button', { name: 'Roll back to this version' })).toBeNull();
    expect(screen.getByTestId('version-2')).toHaveTextContent('by Ada Admin');
    expect(screen.getByTestId('version-1')).toHaveTextContent('starting model');
    // Nothing to preview while the form equals the model in force.
    expect(screen.getByTestId('preview')).toHaveTextContent('Change a parameter to preview its effect.');
    await sleep(PREVIEW_DEBOUNCE_MS + 100);
    expect(api.callsOf('PreviewModel')).toHaveLength(0);
    expect(await seriousViolations(container)).toEqual([]);
  });
});

describe('editing', () => {
  it('names every bad field at once and asks for no preview', async () => {
    const api = installFakeModelApi();
    const user = await openEditor();
    await retype(user, 'Email opens weight', '');
    await retype(user, 'Website visits weight', '-1');
    await retype(user, 'Time spent weight', 'abc');
    await retype(user, 'Time spent cap (seconds)', '0');
    await retype(user, 'Half-life (days)', '5000');
    await retype(user, 'Warm threshold', '80');

    const summary = screen.getByTestId('error-summary');
    // Three weights, a cap, the half-life and both thresholds are marked (UI QA L7).
    expect(summary).toHaveTextContent('7 fields need attention');
    for (const text of [
      'Email opens weight is required',
      'Website visits weight must not be negative',
      'Time spent weight must be a number',
      'Time spent cap (seconds) must be positive',
      'Half-life (days) must be 0.01–3650 days',
      'Thresholds: warm must not be above hot',
    ]) {
      expect(summary).toHaveTextContent(text);
    }
    expect(screen.getByLabelText('Email opens weight')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Website visits weight')).toHaveAccessibleDescription(/must not be negative/);
    expect(screen.getByLabelText('Hot threshold')).toHaveAccessibleDescription(/warm must not be above hot/);
    expect(screen.getByLabelText('Email opens cap')).not.toHaveAttribute('aria-invalid');
    // Each field is described by its own error only (UI QA L8).
    expect(screen.getByLabelText('Half-life (days)')).toHaveAccessibleDescription(/must be 0.01–3650 days/);
    expect(screen.getByLabelText('Half-life (days)')).not.toHaveAccessibleDescription(/warm must not be above hot/);
    expect(document.querySelectorAll('[aria-invalid="true"]')).toHaveLength(7);
    expect(screen.getByTestId('preview')).toHaveTextContent('Fix the fields marked in red');
    expect(await seriousViolations(document.body)).toEqual([]);

    await user.type(screen.getByLabelText(/^Note/), 'try');
    await user.click(screen.getByRole('button', { name: 'Apply model' }));
    await sleep(PREVIEW_DEBOUNCE_MS + 100);
    expect(api.callsOf('PreviewModel')).toHaveLength(0);
    expect(api.callsOf('UpdateModel')).toHaveLength(0);
  });

  it('shows the server’s field errors next to the fields', async () => {
    installFakeModelApi({
      errors: {
        UpdateModel: {
          message: 'invalid weights, note',
          code: 'BAD_USER_INPUT',
          details: [
            { field: 'weights', message: 'must each be at most 1000' },
            { field: 'note', message: 'must be at most 500 characters' },
          ],
        },
      },
    });
    const user = await openEditor();
    await retype(user, 'Email opens weight', '0.5');
    await user.type(screen.getByLabelText(/^Note/), 'more opens');
    await user.click(screen.getByRole('button', { name: 'Apply model' }));
    expect(await within(screen.getByTestId('group-weights')).findByText('Weights: must each be at most 1000')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Note/)).toHaveAccessibleDescription(/must be at most 500 characters/);
    expect(screen.getByTestId('error-summary')).toHaveTextContent('Weights: must each be at most 1000');
    expect(screen.getByTestId('error-summary')).not.toHaveTextContent('Note');
  });

  it('previews once per burst of typing, after the pause', async () => {
    const api = installFakeModelApi();
    const user = await openEditor();
    await retype(user, 'Email opens weight', '0.555');
    await retype(user, 'Website visits weight', '0.3');
    expect(api.callsOf('PreviewModel')).toHaveLength(0);
    await waitFor(() => expect(api.callsOf('PreviewModel')).toHaveLength(1));
    await sleep(PREVIEW_DEBOUNCE_MS + 100);
    expect(api.callsOf('PreviewModel')).toHaveLength(1);
    const input = api.callsOf('PreviewModel')[0]!.variables.input as { weights: Record<string, number>; halfLifeDays: number };
    expect(input.weights).toEqual({ emailOpens: 0.555, websiteVisits: 0.3, timeSpent: 0.25 });
    expect(input.halfLifeDays).toBe(5);

    const preview = screen.getByTestId('preview');
    await waitFor(() => expect(preview).toHaveAttribute('data-state', 'ready'));
    expect(within(preview).getByTestId('tier-changes-total')).toHaveTextContent('12 leads change tier (largest 2 shown)');
    // The lead's name first, its id beside it; a lead without a name (the server sends the id) shows the id once.
    const [named, unnamed] = within(preview).getAllByTestId('tier-change');
    expect(named).toHaveTextContent(/^Alex Rossi \(Hooli\)\s*lead-7\s*Warm → Hot \(65\.5 → 72\.25\)$/);
    expect(unnamed).toHaveTextContent(/^lead-9\s*Cold → Warm \(38 → 41\)$/);
    expect(within(preview).getByRole('row', { name: /^Hot/ })).toHaveTextContent(/Hot\s*50\s*60\s*\+10/);
    const backtest = within(preview).getByTestId('backtest-metrics');
    expect(within(backtest).getByRole('row', { name: /^AUC/ })).toHaveTextContent(/0\.71\s*0\.78/);
    expect(within(backtest).getByRole('row', { name: /^Top-decile lift/ })).toHaveTextContent(/2\.1×\s*2\.6×/);
    expect(within(preview).getByTestId('thin-data')).toHaveTextContent('too little data to trust: 20 conversions, need 30');

    await user.type(screen.getByLabelText('Email opens weight'), '5');
    await waitFor(() => expect(api.callsOf('PreviewModel')).toHaveLength(2));
  });

  it('shows the field errors the server gives for a preview', async () => {
    installFakeModelApi({
      errors: {
        PreviewModel: {
          message: 'invalid caps',
          code: 'BAD_USER_INPUT',
          details: [{ field: 'caps', message: 'must each be at most 1e+12' }],
        },
      },
    });
    const user = await openEditor();
    await retype(user, 'Email opens cap', '12');
    expect(await screen.findByTestId('error-summary')).toHaveTextContent('Caps: must each be at most 1e+12');
    expect(screen.getByLabelText('Email opens cap')).toHaveAttribute('aria-invalid', 'true');
    expect(within(screen.getByTestId('preview')).getByRole('alert')).toHaveTextContent('Preview unavailable');
  });

  it('reports on the window of outcomes chosen', async () => {
    const api = installFakeModelApi();
    const user = await openEditor();
    await screen.findByTestId('model-report');
    expect(api.callsOf('ModelReportView')[0]!.variables).toEqual({ windowDays: null });
    await user.selectOptions(screen.getByLabelText('Outcomes'), 'Closed in the last 90 days');
    await waitFor(() => expect(api.callsOf('ModelReportView').at(-1)!.variables).toEqual({ windowDays: 90 }));
  });

  it('applies only with a note, then shows the new version', async () => {
    const api = installFakeModelApi();
    const user = await openEditor();
    await retype(user, 'Email opens weight', '0.55');
    await user.click(screen.getByRole('button', { name: 'Apply model' }));
    expect(screen.getByLabelText(/^Note/)).toHaveAccessibleDescription(/Note is required: say why the model changes/);
    expect(api.callsOf('UpdateModel')).toHaveLength(0);

    await user.type(screen.getByLabelText(/^Note/), '  opens predict wins  ');
    await user.click(screen.getByRole('button', { name: 'Apply model' }));
    await waitFor(() => expect(api.callsOf('UpdateModel')).toHaveLength(1));
    const call = api.callsOf('UpdateModel')[0]!.variables as { note: string; input: { weights: { emailOpens: number } } };
    expect(call.note).toBe('opens predict wins');
    expect(call.input.weights.emailOpens).toBe(0.55);
    expect(await screen.findByTestId('model-notice')).toHaveTextContent('Applied: version 4 is in force');
    const v4 = await screen.findByTestId('version-4');
    expect(v4).toHaveTextContent('Note: opens predict wins');
    expect(within(v4).getByRole('row', { name: /Email opens weight/ })).toHaveTextContent(/0\.4\s*0\.55/);
    expect(screen.getByTestId('model-in-force')).toHaveTextContent('In force: version 4');
    expect(screen.getByLabelText('Email opens weight')).toHaveValue('0.55');
    expect(screen.getByLabelText(/^Note/)).toHaveValue('');
  });

  it('refuses to apply a form that equals the model in force', async () => {
    const api = installFakeModelApi();
    const user = await openEditor();
    await user.type(screen.getByLabelText(/^Note/), 'no change');
    await user.click(screen.getByRole('button', { name: 'Apply model' }));
    expect(await screen.findByText(/Nothing to apply/)).toBeInTheDocument();
    expect(api.callsOf('UpdateModel')).toHaveLength(0);
  });
});

describe('rollback', () => {
  it('rolls back to an earlier version with a note, from the keyboard', async () => {
    const api = installFakeModelApi();
    const user = await openEditor();
    const v2 = await screen.findByTestId('version-2');
    within(v2).getByRole('button', { name: 'Roll back to this version' }).focus();
    await user.keyboard('{Enter}');
    const note = within(v2).getByLabelText('Why roll back to version 2? (required)');
    expect(note).toHaveFocus();
    await user.click(within(v2).getByRole('button', { name: 'Roll back to version 2' }));
    expect(within(v2).getByRole('alert')).toHaveTextContent('Note is required');
    expect(api.callsOf('RollbackModel')).toHaveLength(0);

    await user.type(note, 'decay was too fast');
    await user.click(within(v2).getByRole('button', { name: 'Roll back to version 2' }));
    await waitFor(() => expect(api.callsOf('RollbackModel')).toHaveLength(1));
    expect(api.callsOf('RollbackModel')[0]!.variables).toEqual({ version: 2, note: 'decay was too fast' });
    expect(await screen.findByTestId('model-notice')).toHaveTextContent('Rolled back: version 4, with the parameters of version 2, is in force.');
    const v4 = await screen.findByTestId('version-4');
    expect(within(v4).getByRole('row', { name: /Half-life/ })).toHaveTextContent(/5\s*10/);
    expect(screen.getByLabelText('Half-life (days)')).toHaveValue('10');
  });

  it('rolls back to the starting model by applying its parameters', async () => {
    const api = installFakeModelApi();
    const user = await openEditor();
    const v1 = await screen.findByTestId('version-1');
    await user.click(within(v1).getByRole('button', { name: 'Roll back to this version' }));
    await user.type(within(v1).getByLabelText(/Why roll back/), 'back to the defaults');
    await user.click(within(v1).getByRole('button', { name: 'Roll back to version 1' }));
    await waitFor(() => expect(api.callsOf('UpdateModel')).toHaveLength(1));
    const vars = api.callsOf('UpdateModel')[0]!.variables as { note: string; input: { halfLifeDays: number } };
    expect(vars.note).toBe('back to the defaults');
    expect(vars.input.halfLifeDays).toBe(7);
    expect(await screen.findByTestId('model-notice')).toHaveTextContent('parameters of version 1');
  });

  it('cancel closes the note without rolling back and returns focus', async () => {
    const api = installFakeModelApi();
    const user = await openEditor();
    const v2 = await screen.findByTestId('version-2');
    await user.click(within(v2).getByRole('button', { name: 'Roll back to this version' }));
    await user.click(within(v2).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(within(v2).getByRole('button', { name: 'Roll back to this version' })).toHaveFocus());
    expect(api.callsOf('RollbackModel')).toHaveLength(0);
  });
});

describe('a rep', () => {
  it('sees the model and its history read-only, and asks for nothing managers-only', async () => {
    __setSessionForTests(REP, 'access-rep');
    const api = installFakeModelApi();
    const { container } = renderWithSWR(<ModelPage />);
    expect(await screen.findByTestId('model-in-force')).toHaveTextContent('version 3');
    expect(screen.getByTestId('read-only')).toHaveTextContent('Only managers and admins can change the model.');
    for (const input of screen.getAllByRole('textbox')) expect(input).toBeDisabled();
    expect(screen.getAllByRole('textbox')).toHaveLength(9);
    await screen.findByTestId('version-2');
    expect(screen.queryByRole('button', { name: /Apply|Roll back|Use suggestion|Reset/ })).toBeNull();
    expect(screen.queryByLabelText(/^Note/)).toBeNull();
    await sleep(PREVIEW_DEBOUNCE_MS + 100);
    expect(new Set(api.calls.map((c) => c.operationName))).toEqual(new Set(['ModelInForce', 'ModelVersions']));
    expect(await seriousViolations(container)).toEqual([]);
  });
});

describe('the suggestion', () => {
  it('shows the fit running, then fills the form and previews it', async () => {
    const api = installFakeModelApi({ suggestion: ['pending', 'pending', 'ready'] });
    const user = await openEditor();
    await user.click(screen.getByRole('button', { name: 'Use suggestion' }));
    const box = screen.getByTestId('suggestion');
    await waitFor(() => expect(box).toHaveAttribute('data-status', 'pending'));
    expect(box).toHaveTextContent('Fitting a model to your won and lost leads');
    expect(screen.getByRole('button', { name: 'Fitting a model…' })).toBeDisabled();

    await waitFor(() => expect(box).toHaveAttribute('data-status', 'ready'));
    expect(api.callsOf('StartModelSuggestion')).toHaveLength(1);
    expect(api.callsOf('ModelSuggestionStatus')).toHaveLength(2);
    expect(box).toHaveTextContent('cross-validated AUC 0.81');
    expect(within(box).getByRole('list', { name: 'Why this suggestion' })).toHaveTextContent('Website visits matter most');
    expect(screen.getByLabelText('Email opens weight')).toHaveValue('0.2');
    expect(screen.getByLabelText('Website visits weight')).toHaveValue('0.5');
    expect(screen.getByLabelText('Time spent cap (seconds)')).toHaveValue('900');
    expect(screen.getByLabelText('Half-life (days)')).toHaveValue('10');
    await waitFor(() => expect(api.callsOf('PreviewModel')).toHaveLength(1));
    expect(api.callsOf('PreviewModel')[0]!.variables.input).toEqual(SUGGESTED);
  });

  it('says plainly when the data is too thin, and leaves the form alone', async () => {
    installFakeModelApi({ suggestion: ['thin-data'] });
    const user = await openEditor();
    await user.click(screen.getByRole('button', { name: 'Use suggestion' }));
    const box = screen.getByTestId('suggestion');
    await waitFor(() => expect(box).toHaveAttribute('data-status', 'thin-data'));
    expect(box).toHaveTextContent('Not enough outcomes to suggest a model: 12 conversions, need 30.');
    expect(screen.getByLabelText('Email opens weight')).toHaveValue('0.4');
    expect(screen.getByRole('button', { name: 'Use suggestion' })).toBeEnabled();
  });
});

describe('notes', () => {
  it('counts the note against its limit and says when a paste was cut there', async () => {
    installFakeModelApi();
    const user = await openEditor();
    const note = screen.getByLabelText(/^Note/);
    expect(screen.getByTestId('note-length')).toHaveTextContent('0 / 500 characters');
    await user.type(note, 'why');
    expect(screen.getByTestId('note-length')).toHaveTextContent('3 / 500 characters');
    expect(within(screen.getByTestId('note-length')).getByRole('status')).toBeEmptyDOMElement();

    await user.click(note);
    await user.paste('x'.repeat(600));
    expect(note).toHaveValue(`why${'x'.repeat(497)}`);
    expect(screen.getByTestId('note-length')).toHaveTextContent('500 / 500 characters');
    expect(within(screen.getByTestId('note-length')).getByRole('status')).toHaveTextContent(
      'anything past 500 characters was not kept',
    );
    expect(note).toHaveAccessibleDescription(/500 \/ 500 characters/);
  });

  it('wraps an unbroken note in the history and counts the rollback note too', async () => {
    installFakeModelApi();
    const user = await openEditor();
    await user.type(screen.getByLabelText('Email opens weight'), '5');
    await user.click(screen.getByLabelText(/^Note/));
    await user.paste('https://example.com/' + 'a'.repeat(480));
    await user.click(screen.getByRole('button', { name: 'Apply model' }));
    const v4 = await screen.findByTestId('version-4');
    // overflow-wrap: anywhere, so a 500-character URL does not widen the page.
    expect(within(v4).getByTestId('version-note')).toHaveClass('wrap-anywhere');
    expect(within(v4).getByTestId('version-note')).toHaveTextContent('https://example.com/aaa');

    const v2 = screen.getByTestId('version-2');
    await user.click(within(v2).getByRole('button', { name: 'Roll back to this version' }));
    const rollbackNote = within(v2).getByLabelText('Why roll back to version 2? (required)');
    await user.paste('y'.repeat(501));
    expect(rollbackNote).toHaveValue('y'.repeat(500));
    expect(within(v2).getByTestId('note-length')).toHaveTextContent('500 / 500 characters');
    expect(within(v2).getByTestId('note-length')).toHaveTextContent('was not kept');
  });
});
