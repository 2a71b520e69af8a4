export type Screen = 'leads' | 'model' | 'admin' | 'notFound';

/**
 * How wide a screen's content may grow (header and main alike). The leads table uses wide
 * screens (owner names, durations and headers stay on one line); forms read better narrower.
 */
export const PAGE_WIDTH: Record<Screen, string> = {
  leads: 'max-w-screen-2xl px-4 sm:px-6 lg:px-8',
  model: 'max-w-7xl px-4',
  admin: 'max-w-7xl px-4',
  notFound: 'max-w-7xl px-4',
};
