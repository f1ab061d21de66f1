/**
 * Electronegativity (Doyensec's Electron security scanner) over the Electron shell: any finding
 * fails the suite, so a new one cannot slip in. Accepted findings are justified in the code with
 * the tool's own `eng-disable` comment. The CSP written out in main.ts must be RENDERER_CSP.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDERER_CSP } from '../src-main/app/csp';

const ELECTRON_DIR = join(import.meta.dirname, '..', 'src-main', 'electron');

interface EngIssue {
  id: string;
  file: string;
  location: { line: number };
  description: string;
}
type Run = (options: Record<string, unknown>, forCli: boolean) => Promise<{ errors: unknown[]; issues: EngIssue[] }>;

describe('Electronegativity', () => {
  it('finds nothing in src-main/electron', async () => {
    const run = createRequire(import.meta.url)('@doyensec/electronegativity') as Run;
    const result = await run(
      {
        input: ELECTRON_DIR,
        isRelative: true,
        electronVersionOverride: '38.0.0',
        // This check downloads Electron's release list; the version is pinned by package.json.
        excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
      },
      false,
    );
    expect(result.errors).toEqual([]);
    expect(result.issues.map((i) => `${i.id} ${i.file}:${i.location.line} ${i.description}`)).toEqual([]);
  }, 60_000);

  it('main.ts sends the same CSP as the web host (RENDERER_CSP)', () => {
    const main = readFileSync(join(ELECTRON_DIR, 'main.ts'), 'utf8');
    const literal = /'Content-Security-Policy': \[\s*"([^"]+)"/.exec(main)?.[1];
    expect(literal).toBe(RENDERER_CSP);
  });
});
