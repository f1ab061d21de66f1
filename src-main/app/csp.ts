/**
 * The renderer's Content Security Policy, the same in both hosts: sent as a header by the Electron
 * session and by the web host (the page also carries it as a meta tag). Only this origin, no inline
 * scripts, no plugins, no framing.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
