/**
 * The renderer runs in a sandboxed page: it may import only React, react-dom, recharts, zustand,
 * its own files and the pure `src-shared` contract, never Node built-ins, Electron or `src-main`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const RENDERER = join(ROOT, 'src-renderer');
const ALLOWED_PACKAGES = [/^react(\/|$)/, /^react-dom(\/|$)/, /^recharts$/, /^zustand(\/|$)/];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.(ts|tsx)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Module specifiers of static imports, re-exports and dynamic imports. */
export function importsOf(source: string): string[] {
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) specs.push(m[1] ?? m[2] ?? m[3]);
  return specs;
}

describe('renderer import boundary', () => {
  it('finds the imports it checks (the scanner itself works)', () => {
    expect(importsOf(`import a from 'x';\nimport { b } from "../y";\nimport './z.css';\nexport * from 'w';\nconst c = import('v');`)).toEqual([
      'x',
      '../y',
      './z.css',
      'w',
      'v',
    ]);
  });

  it('imports only react, react-dom, recharts, zustand, its own files and src-shared', () => {
    const files = sourceFiles(RENDERER);
    expect(files.length).toBeGreaterThan(10);
    const offences: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = resolve(file, '..', spec);
          const inside = [RENDERER, join(ROOT, 'src-shared')].some((d) => !relative(d, target).startsWith('..'));
          if (!inside) offences.push(`${relative(ROOT, file)} → ${spec}`);
        } else if (!ALLOWED_PACKAGES.some((re) => re.test(spec))) {
          offences.push(`${relative(ROOT, file)} → ${spec}`);
        }
      }
    }
    expect(offences).toEqual([]);
  });
});
