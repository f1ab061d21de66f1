/**
 * Who may talk to the web host: loopback-only by default; a non-loopback bind needs an explicit
 * `allowRemote` and a token. With a token, every HTTP request and WebSocket upgrade must carry it
 * (`Authorization: Bearer …`, `?token=…`, or the cookie set after a `?token=` page load). WebSocket
 * upgrades must also come from the host's own origin, and the Host header must name this host
 * (no DNS rebinding).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Name of the cookie that carries the token after a `?token=` page load. */
export const TOKEN_COOKIE = 'streamscope_token';

/** True for 127.0.0.0/8, ::1, ::ffff:127.x and "localhost". */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return h.slice(7).startsWith('127.');
  return false;
}

/**
 * Check the bind options. Throws an Error saying which flag is missing when a non-loopback host
 * is requested without `allowRemote` and a token.
 */
export function checkBindPolicy(host: string, allowRemote: boolean, token: string | undefined): void {
  if (isLoopbackHost(host)) return;
  if (!allowRemote) {
    throw new Error(`refusing to listen on ${host}: non-loopback addresses need --allow-remote and --token (or STREAMSCOPE_TOKEN)`);
  }
  if (!token) {
    throw new Error(`refusing to listen on ${host} without a token: pass --token or set STREAMSCOPE_TOKEN`);
  }
  if (token.length < 16) throw new Error('the token must be at least 16 characters long');
}

/** The token a request presents: Authorization bearer, `?token=`, or the token cookie; undefined if none. */
export function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  const q = url.searchParams.get('token');
  if (q) return q;
  const cookie = req.headers.cookie;
  if (cookie) {
    for (const part of cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === TOKEN_COOKIE) return decodeURIComponent(v.join('='));
    }
  }
  return undefined;
}

/** Constant-time token comparison. */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * True when the Host header names an address this server answers for: when bound to loopback, only
 * loopback names (blocks DNS rebinding); when remote access is allowed, any host (the token guards).
 */
export function hostHeaderAllowed(req: IncomingMessage, boundHost: string): boolean {
  const host = req.headers.host;
  if (!host) return false;
  if (!isLoopbackHost(boundHost)) return true;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return isLoopbackHost(name);
}

/** True when the request's Origin is exactly this host's own origin (`http://<Host header>`). */
export function originIsSelf(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (!origin || !host) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}
