/**
 * Electron IPC channel names of the app contract. Kept in their own dependency-free file so the
 * sandboxed preload can bundle them without pulling in zod; re-exported by contract.ts.
 */
export const IPC = {
  command: 'streamscope:command',
  status: 'streamscope:status',
  frame: 'streamscope:frame',
  export: 'streamscope:export',
  chooseInput: 'streamscope:choose-input',
} as const;
