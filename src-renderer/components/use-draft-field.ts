/**
 * A text field bound to a committed value: the user edits a draft; the draft is committed after
 * `delayMs` of quiet, on blur or on Enter, when `parse` accepts it. While the user has uncommitted
 * edits, changes of the committed value (from the host) do not overwrite the draft.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ChangeEvent, type KeyboardEvent } from 'react';
import { debounce } from '../lib/debounce';

/** `parse` returns the value to commit, or an error message. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface DraftField {
  text: string;
  /** The parse error of the current draft, shown next to the field; null when valid. */
  error: string | null;
  onChange(e: ChangeEvent<HTMLInputElement>): void;
  onBlur(): void;
  onKeyDown(e: KeyboardEvent<HTMLInputElement>): void;
  /** Set the draft programmatically (not committed). */
  setText(text: string): void;
}

/** See the file comment. `committedText` is the host's value rendered as text. */
export function useDraftField<T>(
  committedText: string,
  parse: (text: string) => ParseResult<T>,
  onCommit: (value: T) => void,
  delayMs = 500,
): DraftField {
  const [text, setTextState] = useState(committedText);
  const [error, setError] = useState<string | null>(null);
  const dirty = useRef(false);
  const latest = useRef({ parse, onCommit, committedText });
  latest.current = { parse, onCommit, committedText };

  useEffect(() => {
    if (!dirty.current) {
      setTextState(committedText);
      setError(null);
    }
  }, [committedText]);

  const commit = useCallback((value: string) => {
    const result = latest.current.parse(value);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    dirty.current = false;
    if (value.trim() !== latest.current.committedText) latest.current.onCommit(result.value);
  }, []);

  const debounced = useMemo(() => debounce(commit, delayMs), [commit, delayMs]);
  useEffect(() => () => debounced.cancel(), [debounced]);

  return {
    text,
    error,
    onChange(e) {
      dirty.current = true;
      setTextState(e.target.value);
      const result = latest.current.parse(e.target.value);
      setError(result.ok ? null : result.error);
      debounced(e.target.value);
    },
    onBlur() {
      debounced.flush();
    },
    onKeyDown(e) {
      if (e.key === 'Enter') debounced.flush();
    },
    setText(value) {
      setTextState(value);
    },
  };
}

/** Parse a positive number of seconds into ms (≥ 1 ms, ≤ 24 h). */
export function parseSecondsToMs(label: string) {
  return (text: string): ParseResult<number> => {
    const n = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(n)) return { ok: false, error: `${label}: enter a number of seconds` };
    const ms = Math.round(n * 1000);
    if (ms < 1) return { ok: false, error: `${label} must be at least 0.001 s` };
    if (ms > 24 * 3600_000) return { ok: false, error: `${label} must be at most 86400 s (24 h)` };
    return { ok: true, value: ms };
  };
}

/** Format ms as seconds text without trailing zeros ("10", "0.5"). */
export function msToSecondsText(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  return String(Math.round(ms) / 1000);
}
