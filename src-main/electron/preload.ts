/**
 * The sandboxed preload: exposes a narrow `window.streamscope` (the contract's StreamscopeApi) through
 * contextBridge. Never exposes ipcRenderer itself; only the contract's channels are reachable.
 * Imports nothing but electron and dependency-free shared files (a sandboxed preload cannot require).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { AppStatus, ChooseInputReply, Command, CommandReply, ExportReply, Frame, StreamscopeApi } from '../../src-shared/contract';
import { IPC } from '../../src-shared/ipc-channels';

const api: StreamscopeApi = {
  transport: 'electron',
  send: (cmd: Command): Promise<CommandReply> => ipcRenderer.invoke(IPC.command, cmd),
  getStatus: (): Promise<AppStatus> => ipcRenderer.invoke(IPC.status),
  onFrame(cb: (frame: Frame) => void): () => void {
    const listener = (_event: IpcRendererEvent, frame: Frame): void => cb(frame);
    ipcRenderer.on(IPC.frame, listener);
    return () => {
      ipcRenderer.removeListener(IPC.frame, listener);
    };
  },
  exportOutput: (): Promise<ExportReply> => ipcRenderer.invoke(IPC.export),
  chooseInputFile: (): Promise<ChooseInputReply> => ipcRenderer.invoke(IPC.chooseInput),
};

contextBridge.exposeInMainWorld('streamscope', api);
