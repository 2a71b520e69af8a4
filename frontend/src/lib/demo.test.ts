import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_META_NAME, isDemoServer } from './demo';

function addMeta(content: string) {
  const meta = document.createElement('meta');
  meta.name = DEMO_META_NAME;
  meta.content = content;
  document.head.append(meta);
}

afterEach(() => {
  document.head.querySelectorAll(`meta[name="${DEMO_META_NAME}"]`).forEach((m) => m.remove());
});

describe('isDemoServer', () => {
  it('is false without the demo meta tag (production)', () => {
    expect(isDemoServer()).toBe(false);
  });

  it('is true when the server adds <meta name="leadscore-demo" content="true">', () => {
    addMeta('true');
    expect(isDemoServer()).toBe(true);
  });

  it('is false for any other content', () => {
    addMeta('false');
    expect(isDemoServer()).toBe(false);
  });
});
