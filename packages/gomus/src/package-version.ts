// The published version, set at build time from package.json (tsup --define); sources run by tests say so.
declare const __PACKAGE_VERSION__: string | undefined;

/** This package's version, for the User-Agent. */
export const packageVersion = typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : '0.0.0-source';
