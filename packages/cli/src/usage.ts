/** `auth-check --help`. */
export const usage = `Usage: auth-check [command] [options]

Checks go~mus, Musement and Musimap credentials, or runs every flow against emulators.

Commands:
  demo                     run every flow against emulators started in-process (the default)
  gomus                    test a go~mus token with whoami
  musement                 log in to Musement, show the token, call /cities
  musimap                  get a Musimap token, call /lexicology/tags

gomus:
  --base-url <url>         the instance, e.g. https://demo.gomus.de (or GOMUS_BASE_URL)
  --token <token>          the API token (prefer GOMUS_TOKEN: arguments show in ps and shell history);
                           without one, public access is checked

musement:
  --client-id <id>         OAuth2 client id (or MUSEMENT_CLIENT_ID)
  --application <name>     X-Musement-Application (or MUSEMENT_APPLICATION)
  --username <name>        log in with the password grant as this customer
  --sandbox                use https://sandbox.musement.com
  --base-url <url>         another host (or MUSEMENT_BASE_URL; default https://api.musement.com)
  The client secret comes from MUSEMENT_CLIENT_SECRET and the password from MUSEMENT_PASSWORD, or is asked
  for with echo off when stdin is a terminal. Never from the command line.

musimap:
  --client-id <id>         client id (or MUSIMAP_CLIENT_ID)
  --environment <name>     a label for the stage: dev, staging, production, ...
  --base-url <url>         another host (or MUSIMAP_BASE_URL; default https://api-v2.musimap.io)
  The client secret comes from MUSIMAP_CLIENT_SECRET, or is asked for with echo off in a terminal.

Every command:
  --json                   print one JSON object on stdout
  --verbose                print one line per HTTP exchange on stderr (secrets redacted)
  --show-token             also print the access token, e.g. for curl (gomus, musement, musimap)
  -h, --help               show this help
  --version                print the version of @auth/cli

http:// is accepted for loopback hosts only.
Exit codes: 0 ok, 1 other error (usage, configuration, API, failed demo), 2 credentials rejected,
3 host unreachable.
`;
