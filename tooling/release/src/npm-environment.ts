/**
 * The environment for a child `npm` or `pnpm` without the configuration a parent package manager exported
 * (`npm_config_*`, `pnpm_config_*`, `npm_package_*`, ...): when `pnpm test` runs under `npm test`, those would
 * override the `.npmrc` of a scratch project, and a registry in them would win over the scope mapping under test.
 * The user's own `~/.npmrc` still applies, as it does for anyone running `npm install`.
 */
export function npmEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm|pnpm)_(config|package|lifecycle)_/i.test(name) || /^(npm_command|npm_execpath)$/i.test(name)) continue;
    environment[name] = value;
  }
  return { ...environment, npm_config_update_notifier: 'false', npm_config_fund: 'false', ...extra };
}
