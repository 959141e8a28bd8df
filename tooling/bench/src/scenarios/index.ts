import type { ScenarioResult } from '../report.ts';
import { runColdHerd } from './cold-herd.ts';
import { runExpiry } from './expiry.ts';
import { runFleet } from './fleet.ts';
import { runFleetRateLimit } from './fleet-rate-limit.ts';
import { runFootprint } from './footprint.ts';
import { runManyCustomers } from './many-customers.ts';
import { runOverhead } from './overhead.ts';
import { runRateLimit } from './rate-limit.ts';

/** Every scenario of `pnpm bench` with its default settings, by number. */
export const scenarios: Record<string, { name: string; run: () => Promise<ScenarioResult> }> = {
  '1': { name: '1 overhead', run: () => runOverhead() },
  '2': { name: '2 cold herd', run: () => runColdHerd() },
  '3': { name: '3 expiry', run: () => runExpiry() },
  '4': { name: '4 rate limit', run: () => runRateLimit() },
  '5': { name: '5 fleet', run: () => runFleet() },
  '6': { name: '6 footprint', run: () => runFootprint() },
  '7': { name: '7 many customers', run: () => runManyCustomers() },
  '8': { name: '8 fleet rate limit', run: () => runFleetRateLimit() },
};
