/**
 * Who may talk to the web host. It listens on loopback unless started with `allowRemote`, and it
 * always has a secret: the user's `--token` (or STREAMSCOPE_TOKEN) or one generated per launch.
 * `/ws`, export and every state-changing request must present it, also on loopback (see
 * engine/net/access.ts for where a request's token comes from and the Host / Origin checks).
 */
import { randomBytes } from 'node:crypto';
import { isLoopbackHost } from '../engine/net/access';

/** Shortest token accepted from the user (a generated one has 32 characters). */
export const MIN_TOKEN_CHARS = 16;

/** A fresh per-launch secret: 24 random bytes, base64url (32 characters, URL-safe). */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Check the bind options and pick the secret. Returns the token in force: `token` when given,
 * otherwise a generated one.
 * @throws Error naming the flag when a non-loopback host is requested without `allowRemote`, or a
 *   given token is shorter than {@link MIN_TOKEN_CHARS}.
 */
export function checkBindPolicy(host: string, allowRemote: boolean, token: string | undefined): string {
  if (!isLoopbackHost(host) && !allowRemote) {
    throw new Error(`refusing to listen on ${host}: non-loopback addresses need --allow-remote (and a --token, or the generated one printed at start)`);
  }
  if (token !== undefined && token.length < MIN_TOKEN_CHARS) {
    throw new Error(`the token must be at least ${MIN_TOKEN_CHARS} characters long`);
  }
  return token ?? generateToken();
}
