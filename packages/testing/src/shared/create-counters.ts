import type { EmulatorCounters } from './types.js';

export function createCounters(): EmulatorCounters {
  return {
    tokenRequests: 0,
    tokenRequestsByGrant: {},
    apiRequests: 0,
    unauthorized: 0,
    rateLimited: 0,
    inFlight: 0,
    peakInFlight: 0,
    refreshTokenReuse: 0,
    faultsInjected: 0,
  };
}

/** Zeroes the counters in place (tests may hold the object). `inFlight` is live state, so it is kept. */
export function resetCounters(counters: EmulatorCounters): void {
  counters.tokenRequests = 0;
  for (const grant of Object.keys(counters.tokenRequestsByGrant)) delete counters.tokenRequestsByGrant[grant];
  counters.apiRequests = 0;
  counters.unauthorized = 0;
  counters.rateLimited = 0;
  counters.peakInFlight = counters.inFlight;
  counters.refreshTokenReuse = 0;
  counters.faultsInjected = 0;
}
