// The studio in Debian's Chromium against `octet serve` (isolated data dir and database).
import { describe } from 'vitest';
import { launchBrowserTarget } from './harness/targets.ts';
import { studioFlow } from './specs/studioFlow.ts';

describe('browser (octet serve)', () => {
  studioFlow(launchBrowserTarget);
});
