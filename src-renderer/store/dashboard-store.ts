/**
 * The renderer's zustand store. Frames go into a DashboardModel as they arrive (bounded buffers);
 * `publish()` copies a snapshot into the store with ONE `set()`, and the frame scheduler calls it
 * at most once per animation frame. "Pause view" freezes `view` while frames keep being buffered,
 * so resuming shows the present, not a backlog.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppStatus, Command, CommandReply, ExportReply, Frame, StreamscopeApi } from '../../src-shared/contract';
import type { WhatIfState } from '../../src-shared/types';
import { DashboardModel, emptyView, type DashboardView, type ModelCapacity } from '../lib/dashboard-model';

/** A message for the user: an error (shown in the role="alert" area) or a notice (role="status"). */
export interface UserMessage {
  id: number;
  text: string;
  at: number;
}

/** Everything the components read. */
export interface DashboardState {
  /** What is drawn; frozen while `viewPaused`. */
  view: DashboardView;
  viewPaused: boolean;
  /** Latest host status (config + lifecycle), null until the host answered. */
  status: AppStatus | null;
  /** Commands in flight (buttons show progress, never block). */
  pending: number;
  /** Latest error of a command or export, null when none. */
  error: UserMessage | null;
  /** Latest notice (for example where the export was saved). */
  notice: UserMessage | null;
  /** True once at least one frame arrived. */
  connected: boolean;
  /** Wall-clock time (ms) the latest frame was published; 0 before the first. The host sends one
   *  every ~100 ms, so a long silence means the host is gone (see `lib/staleness.ts`). */
  lastFrameAt: number;
  /** The what-if panel's state from the host (null until it sent one). */
  whatIf: WhatIfState | null;
  /** The retained history's summary and the settings in force (null when the host keeps no history). */
  whatIfContext: NonNullable<Frame['whatIfContext']> | null;
}

/** What the components may do. */
export interface DashboardActions {
  /** Buffer one frame (no store update; call `publish()` to show it). */
  ingestFrame(frame: Frame): void;
  /** Copy buffered data into `view` (one `set()`); only status while the view is paused. */
  publish(): void;
  /** Freeze (true) or unfreeze (false) the displayed data; the pipeline keeps running. */
  setViewPaused(paused: boolean): void;
  /** Chart another sensor (null = the first one). */
  selectSensor(sensorId: string | null): void;
  /** Send one command; on success take the returned status (and clear the error), else show the reply's error. */
  run(cmd: Command): Promise<CommandReply>;
  /** Ask the host for its status (at start-up). */
  refreshStatus(): Promise<void>;
  /** Export output.jsonl through the api (save dialog or download). */
  exportOutput(): Promise<ExportReply>;
  /** Show an error raised by the UI itself (for example an invalid field). */
  showError(text: string): void;
  dismissError(): void;
}

export type DashboardStore = StoreApi<DashboardState & DashboardActions>;

/** The slice of the api the store uses (tests pass a fake). */
export type StoreApiDeps = Pick<StreamscopeApi, 'send' | 'getStatus' | 'exportOutput'>;

/** Build a store talking to `api`. */
export function createDashboardStore(api: StoreApiDeps, capacity?: Partial<ModelCapacity>): DashboardStore {
  const model = new DashboardModel(capacity);
  let messageId = 0;
  let pendingWhatIf: Pick<DashboardState, 'whatIf' | 'whatIfContext'> = { whatIf: null, whatIfContext: null };
  const message = (text: string): UserMessage => ({ id: ++messageId, text, at: Date.now() });

  return createStore<DashboardState & DashboardActions>()((set, get) => ({
    view: emptyView(),
    viewPaused: false,
    status: null,
    pending: 0,
    error: null,
    notice: null,
    connected: false,
    lastFrameAt: 0,
    whatIf: null,
    whatIfContext: null,

    ingestFrame(frame) {
      if (frame.whatIf) pendingWhatIf = { ...pendingWhatIf, whatIf: frame.whatIf };
      if (frame.whatIfContext) pendingWhatIf = { ...pendingWhatIf, whatIfContext: frame.whatIfContext };
      try {
        model.ingest(frame);
      } catch (err) {
        // A malformed frame must not stop the dashboard: show it once, keep going.
        set({ error: message(`Bad frame from the host: ${errorText(err)}`) });
      }
    },

    publish() {
      const status = model.takeStatus();
      const patch: Partial<DashboardState> = { lastFrameAt: Date.now() };
      if (status) patch.status = status;
      if (!get().connected) patch.connected = true;
      if (pendingWhatIf.whatIf !== null && pendingWhatIf.whatIf !== get().whatIf) patch.whatIf = pendingWhatIf.whatIf;
      if (pendingWhatIf.whatIfContext !== null && pendingWhatIf.whatIfContext !== get().whatIfContext) patch.whatIfContext = pendingWhatIf.whatIfContext;
      if (!get().viewPaused) {
        const view = model.snapshot();
        if (view !== get().view) patch.view = view;
      }
      if (Object.keys(patch).length > 0) set(patch);
    },

    setViewPaused(paused) {
      if (paused === get().viewPaused) return;
      if (paused) set({ viewPaused: true });
      else set({ viewPaused: false, view: model.snapshot() });
    },

    selectSensor(sensorId) {
      model.selectSensor(sensorId);
      if (!get().viewPaused) set({ view: model.snapshot() });
    },

    async run(cmd) {
      set((s) => ({ pending: s.pending + 1 }));
      let reply: CommandReply;
      try {
        reply = await api.send(cmd);
      } catch (err) {
        reply = { ok: false, error: `${cmd.type} failed: ${errorText(err)}` };
      }
      if (reply && reply.ok) {
        model.noteStatus(reply.status);
        model.takeStatus();
        // A command that went through supersedes an earlier error (the user fixed it or moved on).
        set((s) => ({ pending: s.pending - 1, status: reply.ok ? reply.status : s.status, error: null }));
      } else {
        const text = reply && typeof reply.error === 'string' ? reply.error : `${cmd.type} failed`;
        set((s) => ({ pending: s.pending - 1, error: message(text) }));
      }
      return reply;
    },

    async refreshStatus() {
      try {
        const status = await api.getStatus();
        model.noteStatus(status);
        model.takeStatus();
        set({ status });
      } catch (err) {
        set({ error: message(`Could not reach the host: ${errorText(err)}`) });
      }
    },

    async exportOutput() {
      let reply: ExportReply;
      try {
        reply = await api.exportOutput();
      } catch (err) {
        reply = { ok: false, error: `Export failed: ${errorText(err)}` };
      }
      if (reply.ok) {
        const where = reply.path ? ` to ${reply.path}` : '';
        set({ notice: message(`Exported ${reply.lines} lines of ${reply.fileName}${where}.`) });
      } else {
        set({ error: message(reply.error) });
      }
      return reply;
    },

    showError(text) {
      set({ error: message(text) });
    },

    dismissError() {
      set({ error: null });
    },
  }));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
