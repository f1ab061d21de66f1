/**
 * Where the app (web host, Electron) may read and write on disk. It reads input files only from
 * places the user chose — its data dir, the folders given at start (`--input-root DIR`), and files
 * picked in Electron's native open dialog — and writes only inside its data dir. Paths are checked
 * after resolving symlinks (realpath), so a link inside an allowed folder cannot lead out of it.
 */
import { lstat, mkdir, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** A path the app refuses to read or write; `message` names the path and the rule. */
export class PathRefusedError extends Error {
  override name = 'PathRefusedError';
}

/** True when `child` is `parent` or lies below it (both absolute and normalised). */
function within(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

/** The longest existing ancestor of `path` (itself when it exists), resolved through symlinks. */
async function realAncestor(path: string): Promise<{ real: string; rest: string }> {
  let dir = path;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = await realpath(dir);
      return { real, rest: rest.reverse().join(sep) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const up = dirname(dir);
      if (up === dir) throw err;
      rest.push(dir.slice(up.length).replace(/^[/\\]+/, ''));
      dir = up;
    }
  }
}

/** Options of {@link AppPaths}. */
export interface AppPathsOptions {
  /** The app's data dir: the only place it writes; also readable. Created if missing. */
  dataDir: string;
  /** Further folders the user allowed input files from (`--input-root`). */
  inputRoots?: readonly string[];
}

/** The app's file-system authority: see the module comment. */
export class AppPaths {
  readonly dataDir: string;
  private readonly inputRoots: string[];
  /** Real paths of files the user picked in a native open dialog. */
  private readonly pickedFiles = new Set<string>();

  constructor(opts: AppPathsOptions) {
    this.dataDir = resolve(opts.dataDir);
    this.inputRoots = (opts.inputRoots ?? []).map((r) => resolve(r));
  }

  /** Allow reading one file the user picked in the native open dialog (Electron). Returns its real path. */
  async allowPickedFile(path: string): Promise<string> {
    const real = await realpath(path);
    this.pickedFiles.add(real);
    return real;
  }

  /**
   * The real path of an input file the app may read: inside the data dir or an input root (after
   * resolving symlinks), or a file picked in the open dialog.
   * @throws PathRefusedError when the file lies elsewhere, is not a regular file, or does not exist.
   */
  async input(path: string): Promise<string> {
    if (path === '-') throw new PathRefusedError('the app cannot read standard input; choose a file');
    const full = resolve(this.dataDir, path);
    let real: string;
    try {
      real = await realpath(full);
    } catch {
      throw new PathRefusedError(`${path}: no such file`);
    }
    const roots = await this.realRoots([this.dataDir, ...this.inputRoots]);
    if (!this.pickedFiles.has(real) && !roots.some((r) => within(r, real))) {
      throw new PathRefusedError(
        `${path}: outside the places the app may read (its data dir ${this.dataDir}${this.inputRoots.length ? `, ${this.inputRoots.join(', ')}` : ''}; start the web host with --input-root DIR to add one)`,
      );
    }
    if (!(await stat(real)).isFile()) throw new PathRefusedError(`${path}: not a regular file`);
    return real;
  }

  /**
   * The absolute path of a file the app may write (create or append): a relative path is taken
   * inside the data dir; the result must lie inside the data dir, with no symlink on the way
   * leading out, and must not itself be a symlink or a non-file.
   * @throws PathRefusedError naming the path and the rule.
   */
  async output(path: string): Promise<string> {
    if (path === '-') throw new PathRefusedError('the app cannot write to standard output; give a file name in its data dir');
    await mkdir(this.dataDir, { recursive: true });
    const realData = await realpath(this.dataDir);
    const full = resolve(this.dataDir, path);
    if (!within(this.dataDir, full) && !within(realData, full)) {
      throw new PathRefusedError(`${path}: the app writes only inside its data dir ${this.dataDir}`);
    }
    const { real, rest } = await realAncestor(full);
    const target = rest ? resolve(real, rest) : real;
    if (!within(realData, target)) throw new PathRefusedError(`${path}: a symlink leads out of the data dir ${this.dataDir}`);
    const st = await lstat(full).catch(() => null);
    if (st?.isSymbolicLink()) throw new PathRefusedError(`${path}: is a symlink; the app writes only regular files in its data dir`);
    if (st && !st.isFile()) throw new PathRefusedError(`${path}: not a regular file`);
    return target;
  }

  /** Whether `path` (already absolute) is one the app wrote itself: inside the real data dir. */
  async isOwnFile(path: string): Promise<boolean> {
    try {
      return within(await realpath(this.dataDir), await realpath(path));
    } catch {
      return false;
    }
  }

  private async realRoots(roots: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const r of roots) {
      try {
        out.push(await realpath(r));
      } catch {
        /* a missing root allows nothing */
      }
    }
    return out;
  }
}
