import { describe, expect, it } from 'vitest';
import { RENDERER_CSP, isTrustedSender } from '../src-main/electron/ipc-guard';

describe('isTrustedSender', () => {
  const file = 'file:///opt/streamscope/out/renderer/index.html';

  it('trusts only the main frame of the app page', () => {
    expect(isTrustedSender({ url: file, parent: null }, file)).toBe(true);
    expect(isTrustedSender({ url: `${file}#/x`, parent: null }, file)).toBe(true);
    expect(isTrustedSender({ url: file, parent: {} }, file)).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/evil.html', parent: null }, file)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, file)).toBe(false);
    expect(isTrustedSender(null, file)).toBe(false);
    expect(isTrustedSender({ url: 'not a url', parent: null }, file)).toBe(false);
  });

  it('matches the dev server by origin', () => {
    const dev = 'http://localhost:5173/';
    expect(isTrustedSender({ url: 'http://localhost:5173/index.html', parent: null }, dev)).toBe(true);
    expect(isTrustedSender({ url: 'http://localhost:5174/', parent: null }, dev)).toBe(false);
    expect(isTrustedSender({ url: 'http://127.0.0.1:5173/', parent: null }, dev)).toBe(false);
  });

  it('the CSP forbids inline and remote scripts', () => {
    expect(RENDERER_CSP).toContain("script-src 'self'");
    expect(RENDERER_CSP).not.toContain('unsafe-eval');
    expect(RENDERER_CSP).toContain("object-src 'none'");
  });
});
