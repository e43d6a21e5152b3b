#!/usr/bin/env bash
# Install the peer tools the benchmark compares against, at pinned versions, into bench/.peers/
# (ignored by git). Safe to re-run: each tool is skipped when its pinned version is present.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
peers="$here/.peers"
mkdir -p "$peers"

CHECKOV_VERSION=3.3.30
CFN_LINT_VERSION=1.58.0
CFN_LINT_SERVERLESS_VERSION=0.3.6
SPECTRAL_VERSION=6.16.3
SPECTRAL_OWASP_VERSION=2.0.1
REDOCLY_VERSION=2.77.0
CFN_GUARD_VERSION=3.2.1

log() { printf '[install-peers] %s\n' "$*" >&2; }

# PyPI: checkov, and cfn-lint with the serverless rules, each in its own virtualenv (their
# dependency pins conflict).
py_tool() {
    local venv="$1"; shift
    if [ -x "$peers/$venv/bin/python" ] && "$peers/$venv/bin/pip" freeze 2>/dev/null | grep -qx "$1"; then
        log "$1 present"
        return
    fi
    log "installing $* into .peers/$venv"
    python3 -m venv "$peers/$venv"
    "$peers/$venv/bin/pip" install --quiet --disable-pip-version-check "$@"
}
py_tool checkov "checkov==$CHECKOV_VERSION"
py_tool cfn-lint "cfn-lint==$CFN_LINT_VERSION" "cfn-lint-serverless==$CFN_LINT_SERVERLESS_VERSION"

# npm: Spectral with the OWASP ruleset, and Redocly.
node_dir="$peers/node"
want_node="@stoplight/spectral-cli@$SPECTRAL_VERSION @stoplight/spectral-owasp-ruleset@$SPECTRAL_OWASP_VERSION @redocly/cli@$REDOCLY_VERSION"
if [ "$(cat "$node_dir/.pinned" 2>/dev/null)" != "$want_node" ]; then
    log "installing $want_node"
    mkdir -p "$node_dir"
    # shellcheck disable=SC2086
    (cd "$node_dir" && npm install --silent --no-audit --no-fund --no-save $want_node)
    echo "$want_node" > "$node_dir/.pinned"
else
    log "node tools present"
fi

# crates.io: cfn-guard.
if ! "$peers/cargo/bin/cfn-guard" --version 2>/dev/null | grep -q "$CFN_GUARD_VERSION"; then
    log "installing cfn-guard $CFN_GUARD_VERSION"
    cargo install --quiet --locked --root "$peers/cargo" "cfn-guard@$CFN_GUARD_VERSION"
else
    log "cfn-guard present"
fi

# Timing and memory tools from Debian, when missing.
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} from Debian"
    if command -v apt-get >/dev/null; then
        (apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; }) ||
            log "could not install ${missing[*]}; falling back to a timing loop"
    fi
fi
log "done"
