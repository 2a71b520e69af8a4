import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { EmailText } from './EmailText';

describe('EmailText', () => {
  it('offers a line break after "@" and each dot only (UI QA L6)', () => {
    const { container } = render(
      <a href="mailto:jules.vance.41@globex.example">
        <EmailText email="jules.vance.41@globex.example" />
      </a>,
    );
    expect(container.querySelector('a')!.innerHTML).toBe('jules.<wbr>vance.<wbr>41@<wbr>globex.<wbr>example');
    expect(screen.getByRole('link', { name: 'jules.vance.41@globex.example' })).toBeInTheDocument();
  });

  it('leaves an address without separators whole', () => {
    const { container } = render(<EmailText email="nobody" />);
    expect(container.innerHTML).toBe('nobody');
  });
});
