/** Config patches as the UI and `reconfigure()` send them: any subset of fields. */
import type { PipelineConfig } from '../config';

/** Recursively merges plain objects (for config patches); arrays and other values replace. */
export function deepMerge<T>(base: T, patch: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return (patch === undefined ? base : patch) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = v === undefined ? out[k] : deepMerge(out[k], v);
  return out as T;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Applies a patch to a configuration: nested objects merge, except that a window spec is always
 * replaced whole, and so is a source whose `type` changes (their fields differ by kind).
 */
export function mergeConfigPatch(prev: PipelineConfig, patch: Record<string, unknown>): Record<string, unknown> {
  const { window, source, ...rest } = patch;
  const merged = deepMerge(prev, rest) as Record<string, unknown>;
  if (window !== undefined) merged.window = window;
  if (source !== undefined) {
    const typeChanged = (source as { type?: unknown }).type !== undefined && (source as { type?: unknown }).type !== prev.source.type;
    merged.source = typeChanged ? source : deepMerge(prev.source, source);
  }
  return merged;
}
