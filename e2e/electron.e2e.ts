// The same specs against the Electron app, when an Electron binary is present.
import { describe } from 'vitest';
import { electronBinary } from './harness/electronBinary.ts';
import { launchElectronTarget } from './harness/targets.ts';
import { studioFlow } from './specs/studioFlow.ts';

const bin = electronBinary();
const reason = 'missing' in bin ? bin.missing : null;
if (reason) console.warn(`e2e: skipping the Electron app specs: ${reason}`);

describe.skipIf(reason !== null)(`electron app${reason ? ` (skipped: ${reason})` : ''}`, () => {
  studioFlow(launchElectronTarget);
});
