// Lets plain node (which strips types but keeps import specifiers as written) load core's TypeScript sources, whose
// relative imports name `.js` files as the TypeScript convention wants. For child processes of core's tests:
// `node --import <this file> <child>.ts`. (Core's tests cannot use tooling's copy: nothing imports tooling.)
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
