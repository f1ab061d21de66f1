/** Validation of sink settings entered in the UI. */

/** Check a webhook URL; returns an error message or null. */
export function webhookUrlError(url: string): string | null {
  const trimmed = url.trim();
  if (!trimmed) return 'Webhook URL is required to enable the webhook sink.';
  try {
    const u = new URL(trimmed);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'Webhook URL must start with http:// or https://.';
  } catch {
    return `Webhook URL is not a valid URL: ${trimmed}`;
  }
  return null;
}

