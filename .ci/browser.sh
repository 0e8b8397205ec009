#!/usr/bin/env bash
# Installs the browser the browser tests drive (tests/JwtSessions.AspNetCore.BrowserTests) and makes them required.
#
#   source .ci/browser.sh      # .ci/run does this; exports JWTSESSIONS_BROWSER=1 and the two binaries' paths
#   bash .ci/browser.sh        # installs and prints the export line to copy into your shell
#
# Chromium and its chromedriver come from the distribution's packages (same version, so the driver matches the browser);
# nothing is downloaded by the tests or by Selenium. JWTSESSIONS_BROWSER=1 turns a missing or broken browser into a test
# failure instead of a skip (docs/testing.md, "Browser tests").
# Written to be sourced under `set -euo pipefail`: it changes no shell option and fails with a message, not silently.

jwtsessions_install_browser() {
  local browser driver
  browser=$(command -v chromium || true)
  driver=$(command -v chromedriver || true)
  if [ -z "$browser" ] || [ -z "$driver" ]; then
    echo "browser.sh: installing chromium and chromium-driver" >&2
    if ! { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }; then
      echo "browser.sh: could not install chromium and chromium-driver" >&2
      return 1
    fi
    browser=$(command -v chromium)
    driver=$(command -v chromedriver)
  fi
  export JWTSESSIONS_BROWSER=1 JWTSESSIONS_CHROMIUM="$browser" JWTSESSIONS_CHROMEDRIVER="$driver"
  echo "browser.sh: $("$browser" --version 2>/dev/null) at $browser, $("$driver" --version 2>/dev/null | awk '{print $1, $2}') at $driver" >&2
}

if jwtsessions_install_browser; then
  unset -f jwtsessions_install_browser
  if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "export JWTSESSIONS_BROWSER=1 JWTSESSIONS_CHROMIUM=$JWTSESSIONS_CHROMIUM JWTSESSIONS_CHROMEDRIVER=$JWTSESSIONS_CHROMEDRIVER"
  fi
else
  unset -f jwtsessions_install_browser
  # Fail the caller: `return` when sourced, `exit` when run.
  return 1 2>/dev/null || exit 1
fi
