/**
 * A message from the server as people read it: the first letter capitalised and a final full
 * stop ("invalid email or password" → "Invalid email or password."). Used wherever the
 * server's own words are shown.
 */
export function asSentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?…]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
