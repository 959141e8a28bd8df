// Lets plain node (which strips types but keeps import specifiers as written) load our TypeScript files, whose
// relative imports name `.js` files as the TypeScript convention wants. Packages (`@auth/core`, ioredis) still
// resolve to their BUILT entry points. Used with `node --import <this file> <child>.ts` by child processes of the
// tests of core, @auth/redis and the reliability tooling: the one copy, in the lowest package.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (!(specifier.startsWith('.') && specifier.endsWith('.js'))) throw error;
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
  },
});
