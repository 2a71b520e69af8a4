import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// waitFor/findBy* wait up to 5 s (default 1 s) so a busy machine does not cause flakes.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
});
