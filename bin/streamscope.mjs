#!/usr/bin/env node
// Entry point of the `streamscope` command: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';
register();
await import('../src-main/cli/main.ts');
