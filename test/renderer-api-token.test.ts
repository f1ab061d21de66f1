import { describe, expect, it } from 'vitest';
import { pageToken } from '../src-renderer/api';

/** A Storage double backed by a Map (the browser's sessionStorage contract: strings in, strings or null out). */
function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

describe('page token (web host secret)', () => {
  it('takes the token from the URL and keeps it for a reload without it', () => {
    const storage = memoryStorage();
    expect(pageToken('?token=abc%2Bdef', storage)).toBe('abc+def');
    expect(pageToken('', storage)).toBe('abc+def');
  });

  it('prefers a new URL token over the kept one', () => {
    const storage = memoryStorage();
    pageToken('?token=old', storage);
    expect(pageToken('?token=new', storage)).toBe('new');
    expect(pageToken('', storage)).toBe('new');
  });

  it('works without storage (disabled or throwing)', () => {
    expect(pageToken('?token=t', undefined)).toBe('t');
    expect(pageToken('', undefined)).toBeNull();
    const throwing = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
    expect(pageToken('?token=t', throwing)).toBe('t');
  });
});
