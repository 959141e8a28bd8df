/**
 * The exit codes of `auth-emulator`, for scripts. Where a meaning is shared with `auth-check` (`@auth/cli`), so is the
 * code: 0 ok, 1 for a usage error or a failure. `auth-emulator` never exits 2 or 3, which `auth-check` keeps for
 * rejected credentials and an unreachable host.
 */
export const emulatorExitCodes = Object.freeze({
  /** Stopped as asked (SIGINT, SIGTERM, `--duration-seconds`), or `--help`. */
  ok: 0,
  /** A usage error (an unknown option, a bad value), or the emulators could not start (e.g. a port in use). */
  failure: 1,
});
