/** Starts every message and log record of this package. */
export const packageName = '@auth/musimap';
