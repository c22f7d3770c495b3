#!/bin/sh
# Entrypoint of the NIX image.
#
# `npm start` and `npm run <script> [-- args]` stay the interface (CMD, compose `command:`), but npm
# is not kept as the parent of the NIX process: npm exits on SIGTERM without passing it on, so the
# process would never drain its in-flight inquiries (NIX_SHUTDOWN_DRAIN_MS) and `docker stop` would
# end in SIGKILL. This reads the script from package.json and execs it, so the NIX process itself
# receives the signals. Pre/post scripts are skipped on purpose: the image is already built.
# Anything else (`node ...`, `sh`, `npm ci`) runs unchanged.
set -eu

if [ "${1:-}" = "npm" ]; then
  case "${2:-}" in
    start | stop | restart | test) script=$2; shift 2 ;;
    run | run-script)
      if [ $# -lt 3 ]; then exec "$@"; fi
      script=$3; shift 3 ;;
    *) exec "$@" ;;
  esac
  if [ "${1:-}" = "--" ]; then shift; fi
  command=$(node -e '
    const name = process.argv[1];
    const scripts = require(process.cwd() + "/package.json").scripts || {};
    if (!scripts[name]) { console.error(`nix-entrypoint: package.json has no script "${name}"`); process.exit(127); }
    process.stdout.write(scripts[name]);
  ' "$script")
  export PATH="$PWD/node_modules/.bin:$PATH" npm_lifecycle_event="$script"
  case "$command" in
    # Not one plain command: let npm run it (NPM_CONFIG_IGNORE_SCRIPTS still skips pre/post scripts).
    *'&&'* | *'|'* | *';'* | *'>'* | *'<'* | *'$('* | *'`'*) exec npm run "$script" -- "$@" ;;
  esac
  exec sh -c "exec $command \"\$@\"" "$script" "$@"
fi

exec "$@"
