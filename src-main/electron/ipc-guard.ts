/**
 * Sender checks for Electron IPC handlers, kept free of Electron imports so they are unit-tested:
 * a message is trusted only when it comes from the app's own renderer page in the main frame.
 */

/** What the guard needs of `event.senderFrame` (null when the frame is gone). */
export interface SenderFrameLike {
  url: string;
  /** null for a main frame. */
  parent: unknown;
}

/**
 * True when `frame` is the main frame of the app's renderer: same origin as `rendererUrl` for
 * http(s) (the dev server), or the same file path for `file:` (the packaged index.html).
 */
export function isTrustedSender(frame: SenderFrameLike | null | undefined, rendererUrl: string): boolean {
  if (!frame || frame.parent) return false;
  let got: URL;
  let want: URL;
  try {
    got = new URL(frame.url);
    want = new URL(rendererUrl);
  } catch {
    return false;
  }
  if (want.protocol === 'file:') return got.protocol === 'file:' && got.pathname === want.pathname;
  if (want.protocol === 'http:' || want.protocol === 'https:') return got.origin === want.origin;
  return false;
}

export { RENDERER_CSP } from '../app/csp';
