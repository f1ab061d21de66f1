/**
 * Who may talk to a listener of ours (web host, metrics server, HTTP ingest, WebSocket sink): the
 * one loopback test, the one constant-time token comparison, where a request's token comes from,
 * and the Host / Origin checks that stop DNS rebinding and foreign web pages.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Name of the cookie that carries the web host's token after a `?token=` page load. */
export const TOKEN_COOKIE = 'streamscope_token';

/**
 * True for 127.0.0.0/8, ::1, ::ffff:127.x (bracketed or not) and "localhost": an address or host
 * name that only this machine can reach.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return h.slice(7).startsWith('127.');
  return false;
}

/**
 * Constant-time token comparison: both sides are hashed (SHA-256) first, so neither the content
 * nor the length of the expected token leaks through timing. False when nothing was presented.
 */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

/**
 * The token a request presents, first match wins: `Authorization: Bearer …`, then `?token=`, then
 * the {@link TOKEN_COOKIE} cookie. A malformed cookie value (bad %-escape) counts as no token.
 */
export function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  const q = url.searchParams.get('token');
  if (q) return q;
  const cookie = req.headers.cookie;
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== TOKEN_COOKIE) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The host name of a Host header (`[::1]:80` → `[::1]`, `a.b:80` → `a.b`). */
function hostName(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
}

/**
 * True when the Host header names an address this server answers for: when bound to loopback,
 * only loopback names (blocks DNS rebinding); when bound beyond loopback, any host (a token guards).
 */
export function hostHeaderAllowed(req: IncomingMessage, boundHost: string): boolean {
  const host = req.headers.host;
  if (!host) return false;
  if (!isLoopbackHost(boundHost)) return true;
  return isLoopbackHost(hostName(host));
}

/** True when the request's Origin is exactly this host's own origin (`http(s)://<Host header>`). */
export function originIsSelf(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (!origin || !host) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}
