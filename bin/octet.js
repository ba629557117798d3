#!/usr/bin/env node
// The `octet` command. Sources are TypeScript run through tsx, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/main.ts');
