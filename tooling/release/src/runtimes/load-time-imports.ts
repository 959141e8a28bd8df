import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const builtins = new Set(builtinModules);

/**
 * The runtime built-in modules (`node:fs`, `crypto`, ...) a built entry file loads at import time: its static
 * `import`/`export ... from` statements, followed through relative files and our own `@auth/*` packages (their built
 * entries). Dynamic `import()` is not followed: it costs nothing until it runs. Third-party packages are not followed.
 */
export function loadTimeBuiltins(entry: string, packagesDirectory: string): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const specifiers = [
      ...source.matchAll(/^\s*(?:import|export)\s[^;'"]*?from\s*["']([^"']+)["']/gm),
      ...source.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ].map((match) => match[1] as string);
    for (const specifier of specifiers) {
      const bare = specifier.replace(/^node:/, '');
      if (specifier.startsWith('node:') || builtins.has(bare)) {
        found.add(`node:${bare}`);
      } else if (specifier.startsWith('.')) {
        visit(resolve(dirname(file), specifier));
      } else if (specifier.startsWith('@auth/')) {
        const [, name, subpath] = /^@auth\/([^/]+)(?:\/(.+))?$/.exec(specifier) ?? [];
        visit(join(packagesDirectory, name as string, 'dist', `${subpath ?? 'index'}.js`));
      }
    }
  };
  visit(entry);
  return [...found].sort();
}
