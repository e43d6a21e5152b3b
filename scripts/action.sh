#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml), in one script so that they run, and are tested,
# outside GitHub too (tests/integration/action.rs).
#
#   action.sh plan       whether install will build from source, and the cache key for that build
#   action.sh install    install gatelint; writes `bin=PATH` to $GITHUB_OUTPUT
#   action.sh lint       lint, write SARIF, annotations and the job summary; never fails because
#                        of findings: it records gatelint's exit code as the output `exit-code`
#   action.sh conclude   exit with the recorded code ($GATELINT_EXIT_CODE), after the upload
#
# Inputs come from the environment only (action.yml maps each `inputs.*` to a GATELINT_* variable),
# never from `${{ }}` in the script text. GitHub's own variables are used when set:
# GITHUB_ACTION_PATH, GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, RUNNER_OS,
# RUNNER_ARCH.
set -euo pipefail

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
output_file=${GITHUB_OUTPUT:-/dev/null}
summary_file=${GITHUB_STEP_SUMMARY:-/dev/null}

# Released archives and their sha256, in `sha256sum` format: the SHA256SUMS file of each release
# (the release workflow makes it), appended here when the release is published.
checksums_file=${GATELINT_CHECKSUMS_FILE:-$action_path/scripts/release-checksums.txt}
# Where releases are downloaded from (a file:// URL in tests).
release_base_url=${GATELINT_RELEASE_BASE_URL:-https://github.com/${GATELINT_ACTION_REPOSITORY:-gatelint/gatelint}/releases/download}

# An error of the action itself (a bad input, a failed install): an annotation, then exit 2 like
# gatelint's own usage errors.
fail() {
    printf '::error title=gatelint action::%s\n' "$(escape_data "$*")"
    exit 2
}

# The data part of a workflow command: `%`, CR and LF are percent-encoded.
escape_data() {
    local text=$1
    text=${text//%/%25}
    text=${text//$'\r'/%0D}
    text=${text//$'\n'/%0A}
    printf '%s' "$text"
}

set_output() {
    printf '%s=%s\n' "$1" "$2" >>"$output_file"
}

# Scratch space: the runner's temporary directory, which is emptied after each job.
work_dir() {
    if [[ -z ${work_dir:-} ]]; then
        if [[ -n ${RUNNER_TEMP:-} ]]; then
            work_dir="$RUNNER_TEMP/gatelint"
            mkdir -p "$work_dir"
        else
            work_dir=$(mktemp -d)
        fi
    fi
}

# ---------------------------------------------------------------------------------------------
# install

package_version() {
    sed -n 's/^version = "\([^"]*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1
}

# The release target for this runner, or nothing when there is no release build for it.
release_target() {
    local os=${RUNNER_OS:-$(uname -s)} arch=${RUNNER_ARCH:-$(uname -m)}
    case "$os/$arch" in
        Linux/X64 | Linux/x86_64) echo x86_64-unknown-linux-musl ;;
        Linux/ARM64 | Linux/aarch64 | Linux/arm64) echo aarch64-unknown-linux-musl ;;
        macOS/X64 | Darwin/x86_64) echo x86_64-apple-darwin ;;
        macOS/ARM64 | Darwin/arm64) echo aarch64-apple-darwin ;;
        Windows/X64 | MINGW*/x86_64 | MSYS*/x86_64 | CYGWIN*/x86_64) echo x86_64-pc-windows-msvc ;;
        *) ;;
    esac
}

sha256_of() {
    if command -v sha256sum >/dev/null; then
        sha256sum "$1" | cut -d ' ' -f 1
    else
        shasum -a 256 "$1" | cut -d ' ' -f 1
    fi
}

# Download the release archive $1, check it against the sha256 $2 and unpack it; sets `bin`.
# Returns 1 when the download fails; a checksum mismatch stops the action.
install_release() {
    local asset=$1 expected=$2 version=$3 dir url actual base protocols='=https'
    dir="$work_dir/release-$version"
    rm -rf "$dir"
    mkdir -p "$dir"
    url="$release_base_url/v$version/$asset"
    [[ $release_base_url == file://* ]] && protocols='=file'
    if ! curl --proto "$protocols" --tlsv1.2 --fail --silent --show-error --location \
        --retry 3 --output "$dir/$asset" "$url"; then
        echo "could not download $url"
        return 1
    fi
    actual=$(sha256_of "$dir/$asset")
    if [[ $actual != "$expected" ]]; then
        fail "sha256 mismatch for $asset: expected $expected, got $actual; not installing it"
    fi
    base=${asset%.tar.gz}
    base=${base%.zip}
    case "$asset" in
        # Windows runners: Git for Windows' unzip, else 7-Zip, which the hosted images have.
        *.zip) if command -v unzip >/dev/null; then
            unzip -q "$dir/$asset" -d "$dir"
        else
            7z x -y -bd "-o$dir" "$dir/$asset" >/dev/null
        fi ;;
        *) tar -xzf "$dir/$asset" -C "$dir" ;;
    esac
    bin="$dir/$base/gatelint"
    [[ $asset == *.zip ]] && bin="$bin.exe"
    return 0
}

# Where a build from source is installed, and kept between runs by the action's cache steps.
source_root() {
    echo "${GATELINT_SOURCE_ROOT:-${RUNNER_TEMP:-$work_dir}/gatelint-source}"
}

# A digest of what a build from source is made of: the same key means the same binary.
source_digest() {
    (
        cd "$action_path"
        find Cargo.toml Cargo.lock src rules docs -type f 2>/dev/null | LC_ALL=C sort |
            while IFS= read -r file; do
                printf '%s %s\n' "$(sha256_of "$file")" "$file"
            done
    ) | if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi | cut -d ' ' -f 1
}

# Build the action's own checkout into source_root, unless a cached build is there; sets `bin`.
install_from_source() {
    local root
    root=$(source_root)
    bin="$root/bin/gatelint"
    [[ -e "$bin.exe" ]] && bin="$bin.exe"
    if [[ -x $bin && -f "$root/digest" && $(cat "$root/digest") == "$(source_digest)" ]]; then
        echo "using the gatelint built from source in an earlier run (cache): $bin"
        return 0
    fi
    command -v cargo >/dev/null ||
        fail "no gatelint release binary for this runner and no cargo to build one: install a Rust toolchain first"
    echo "building gatelint from $action_path with cargo install --locked"
    cargo install --locked --quiet --path "$action_path" --root "$root" ||
        fail "cargo install --locked --path $action_path failed"
    source_digest >"$root/digest"
    bin="$root/bin/gatelint"
    [[ -e "$bin.exe" ]] && bin="$bin.exe"
    return 0
}

# The release archive for this runner and its sha256 from the checksums file; sets `version`,
# `asset` and `expected` (empty when this runner has no release build or it is not listed).
release_plan() {
    local target
    asset=''
    expected=''
    version=$(package_version)
    [[ -n $version ]] || fail "no version in $action_path/Cargo.toml"
    target=$(release_target)
    [[ -n $target ]] || return 0
    asset="gatelint-$version-$target.tar.gz"
    [[ $target == *windows* ]] && asset="gatelint-$version-$target.zip"
    if [[ -f $checksums_file ]]; then
        expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1; exit }' "$checksums_file")
    fi
    return 0
}

# Before install: whether it will build from source, and the cache key and path for that build.
cmd_plan() {
    local version asset expected
    work_dir
    release_plan
    if [[ -n $expected ]]; then
        set_output source-build false
    else
        set_output source-build true
        set_output cache-key "gatelint-source-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-$version-$(source_digest)"
        set_output cache-path "$(source_root)"
    fi
}

cmd_install() {
    local version asset expected reported
    bin=''
    work_dir
    release_plan
    if [[ -n $asset ]]; then
        if [[ -n $expected ]]; then
            echo "installing $asset (sha256 $expected)"
            install_release "$asset" "$expected" "$version" ||
                echo "::warning title=gatelint action::could not download $asset; building from source instead"
        else
            echo "no published checksum for $asset: building gatelint $version from source"
        fi
    fi
    [[ -n $bin ]] || install_from_source
    reported=$("$bin" --version) || fail "the installed gatelint ($bin) does not run"
    [[ $reported == "gatelint $version" ]] ||
        fail "the installed gatelint says \"$reported\", expected gatelint $version"
    echo "$reported: $bin"
    set_output bin "$bin"
}

# ---------------------------------------------------------------------------------------------
# lint

# Split $1 into the array `words`: one word per line when it has several lines (so a path may
# hold spaces), else on whitespace. With $2 = glob, a word with a wildcard is expanded (a pattern
# that matches nothing stays as it is, and gatelint reports it).
split_words() {
    local text=$1 mode=${2:-} word line IFS=''
    local -a raw=() expanded
    words=()
    if [[ $mode == glob || $mode == lines ]] && [[ $text == *$'\n'* ]]; then
        while IFS= read -r line || [[ -n $line ]]; do
            line=${line%$'\r'}
            # Trim the blanks around the path, keep those inside it.
            line=${line#"${line%%[![:space:]]*}"}
            line=${line%"${line##*[![:space:]]}"}
            [[ -n $line ]] && raw+=("$line")
        done <<<"$text"
    else
        IFS=$' \t\r\n' read -r -d '' -a raw <<<"$text" || true
    fi
    for word in ${raw[@]+"${raw[@]}"}; do
        if [[ $mode == glob && $word == *[*?[]* ]]; then
            # (macOS's /bin/bash 3.2 has no globstar; hosted runners put a newer bash first.)
            shopt -s nullglob
            shopt -s globstar 2>/dev/null || true
            # shellcheck disable=SC2206 # expanding the pattern is the point; IFS is empty
            expanded=($word)
            shopt -u nullglob
            shopt -u globstar 2>/dev/null || true
            if ((${#expanded[@]} > 0)); then
                words+=("${expanded[@]}")
                continue
            fi
        fi
        words+=("$word")
    done
}

# Check the boolean input $1 (value $2); sets `REPLY` to true or false.
bool_input() {
    case "$2" in
        true | True | TRUE) REPLY=true ;;
        false | False | FALSE) REPLY=false ;;
        *) fail "input $1 must be true or false, not \"$2\"" ;;
    esac
}

# Text for the job summary's markdown, in a table cell or not, so that input can neither break the
# summary nor restyle it: outside code spans, HTML, table pipes, emphasis, links and maths
# delimiters (`$connect` ... `$disconnect` would be maths) are escaped; inside them (balanced
# backticks) only pipes, which end a table cell even there. Sets `REPLY` (no subshell: forks are
# slow on Windows runners).
md_cell() {
    local rest=${1//$'\n'/ } segment out='' inside=0 more=1 ticks
    ticks=${rest//[!\`]/}
    while ((more)); do
        if [[ $rest == *\`* && ${#ticks} -gt 0 && $((${#ticks} % 2)) == 0 ]]; then
            segment=${rest%%\`*}
            rest=${rest#*\`}
        else
            segment=$rest
            more=0
        fi
        if ((inside)); then
            segment=${segment//|/"\\|"}
        else
            # Quoted replacements: bash 5.2 reads an unquoted `&` there as the matched text.
            segment=${segment//\\/"\\\\"}
            segment=${segment//&/"&amp;"}
            segment=${segment//</"&lt;"}
            segment=${segment//>/"&gt;"}
            segment=${segment//|/"\\|"}
            segment=${segment//\$/"\\\$"}
            segment=${segment//\*/"\\*"}
            segment=${segment//_/"\\_"}
            segment=${segment//\[/"\\["}
            segment=${segment//\]/"\\]"}
            # An unbalanced backtick is text.
            segment=${segment//\`/"\\\`"}
        fi
        out+=$segment
        if ((more)); then
            out+=\`
            inside=$((1 - inside))
        fi
    done
    REPLY=$out
}

plural() {
    if (($1 == 1)); then printf '%s %s' "$1" "$2"; else printf '%s %ss' "$1" "$2"; fi
}

# The revision `routes --diff` compares with: $1 as given, else the remote-tracking branch of that
# name (a pull request's base is a branch name, and a checkout has it only as origin/NAME); sets
# `REPLY`, empty when the checkout does not have it (a shallow clone).
diff_revision() {
    local candidate
    REPLY=''
    for candidate in "$1" "origin/$1"; do
        if git rev-parse --verify --quiet "$candidate^{commit}" >/dev/null 2>&1; then
            REPLY=$candidate
            return 0
        fi
    done
}

# Does this gatelint have the `routes` subcommand (older builds do not)?
has_routes() {
    "$gatelint" --help 2>/dev/null | grep -Eq '^[[:space:]]+routes([[:space:]]|$)'
}

cmd_lint() {
    gatelint=${GATELINT_BIN:-gatelint}
    local fail_on=${GATELINT_FAIL_ON:-} annotations summary upload threshold
    local -a fail_on_arg=()
    case "$fail_on" in
        error | warning | note | never)
            fail_on_arg=(--fail-on "$fail_on")
            threshold="fail-on: $fail_on"
            ;;
        # gatelint decides: the configuration's `fail-on`, else warning.
        '') threshold="fail-on (from the configuration, else warning)" ;;
        *) fail "input fail-on must be error, warning, note or never, not \"$fail_on\"" ;;
    esac
    bool_input annotations "${GATELINT_ANNOTATIONS:-true}"
    annotations=$REPLY
    bool_input summary "${GATELINT_SUMMARY:-true}"
    summary=$REPLY
    bool_input upload-sarif "${GATELINT_UPLOAD_SARIF:-false}"
    upload=$REPLY
    if [[ -n ${GITHUB_WORKSPACE:-} ]]; then
        # SARIF locations are relative to the repository root, where code scanning resolves them.
        cd "$GITHUB_WORKSPACE"
    fi

    local -a words paths extra
    local shown
    split_words "${GATELINT_PATHS:-.}" lines
    shown=''
    local word
    for word in ${words[@]+"${words[@]}"}; do
        shown+="${shown:+, }$word"
    done
    split_words "${GATELINT_PATHS:-.}" glob
    paths=(${words[@]+"${words[@]}"})
    ((${#paths[@]} > 0)) || paths=(.)
    split_words "${GATELINT_ARGS:-}"
    extra=(${words[@]+"${words[@]}"})

    local dir sarif concise status sarif_status annotations_status
    work_dir
    dir=$work_dir
    sarif="$dir/gatelint.sarif"
    concise="$dir/findings.txt"

    # One run per view. Each is a full lint, but linting is cheap next to installing (about 0.4 s
    # of CPU for the 22 MB, 900-finding test corpus), and every view then comes from gatelint's own
    # renderer: no JSON parsing in shell, and the workflow-command escaping, the SARIF and the exit
    # code are never re-implemented here. The user's `args` come first: gatelint takes the last
    # of a repeated flag, so the action's own `--format`, `--fail-on` and `--output-file` win.
    rm -f "$sarif" "$concise" "$dir/annotations.txt"
    # Code scanning refuses a run of more than 25,000 results or 10 MB gzipped: keep the most
    # severe findings, halving their number until the file fits.
    local max_results=${GATELINT_SARIF_MAX_RESULTS:-25000}
    local max_gzip=${GATELINT_SARIF_MAX_GZIP_BYTES:-10000000} gzip_size
    set +e
    while :; do
        "$gatelint" check ${extra[@]+"${extra[@]}"} --format sarif --fail-on never \
            --max-findings "$max_results" --output-file "$sarif" -- "${paths[@]}"
        sarif_status=$?
        [[ -s $sarif ]] || break
        gzip_size=$(gzip -c "$sarif" | wc -c)
        ((gzip_size > max_gzip && max_results > 0)) || break
        max_results=$((max_results / 2))
    done
    "$gatelint" check ${extra[@]+"${extra[@]}"} --format concise --color never \
        ${fail_on_arg[@]+"${fail_on_arg[@]}"} --output-file "$concise" -- "${paths[@]}"
    status=$?
    set -e
    # A usage error writes nothing.
    [[ -f $concise ]] || : >"$concise"
    # Exit code 2 with output: input errors, reported in the SARIF too. Without: a usage error.
    if ((sarif_status == 0 || sarif_status == 2)) && [[ -s $sarif ]]; then
        set_output sarif-file "$sarif"
    else
        echo "::warning title=gatelint action::gatelint failed to write SARIF (exit code $sarif_status)"
    fi

    if [[ $annotations == true ]]; then
        set +e
        "$gatelint" check ${extra[@]+"${extra[@]}"} --format github --fail-on never \
            --output-file "$dir/annotations.txt" -- "${paths[@]}"
        annotations_status=$?
        [[ -f "$dir/annotations.txt" ]] && cat "$dir/annotations.txt"
        set -e
        if ((annotations_status != 0 && annotations_status != 2)); then
            echo "::warning title=gatelint action::gatelint failed to write annotations (exit code $annotations_status)"
        fi
    else
        # The findings in the log, where file contents must not be read as workflow commands.
        local token
        token="gatelint-$RANDOM$RANDOM$RANDOM"
        echo "::stop-commands::$token"
        cat "$concise"
        echo "::$token::"
    fi

    # The routes this change opens, tightens, changes, adds or removes (input diff-base): markdown
    # for the summary, and an annotation on each opened route.
    local diff_base=${GATELINT_DIFF_BASE:-} diff_rev='' diff_status=0
    if [[ -n $diff_base ]]; then
        [[ $diff_base != -* ]] || fail "input diff-base must be a git revision, not \"$diff_base\""
        diff_revision "$diff_base"
        diff_rev=$REPLY
        if [[ -z $diff_rev ]]; then
            echo "::warning title=gatelint action::$(escape_data "diff-base $diff_base is not in the checkout, so the routes are not compared with it: give actions/checkout fetch-depth: 0")"
        else
            set +e
            "$gatelint" routes --diff "$diff_rev" --format markdown -- "${paths[@]}" >"$dir/diff.md"
            diff_status=$?
            if [[ $annotations == true ]]; then
                "$gatelint" routes --diff "$diff_rev" --format github -- "${paths[@]}" 2>/dev/null
            fi
            set -e
        fi
    fi

    # Count the findings: `path:line:col: severity[rule] message`.
    local line errors=0 warnings=0 notes=0 input_errors=0 listed=0
    # The step summary is limited to 1 MiB: list at most this many findings.
    local limit=${GATELINT_SUMMARY_LIMIT:-500}
    local -a rows=() remarks=()
    local finding_re='^(.*):([0-9]+):([0-9]+): (error|warning|note)\[([A-Za-z0-9_-]+)\] (.*)$'
    while IFS= read -r line || [[ -n $line ]]; do
        if [[ $line =~ $finding_re ]]; then
            local file=${BASH_REMATCH[1]} row=${BASH_REMATCH[2]} col=${BASH_REMATCH[3]}
            local severity=${BASH_REMATCH[4]} rule=${BASH_REMATCH[5]} message=${BASH_REMATCH[6]}
            if [[ $rule == input-error ]]; then
                input_errors=$((input_errors + 1))
            else
                case "$severity" in
                    error) errors=$((errors + 1)) ;;
                    warning) warnings=$((warnings + 1)) ;;
                    note) notes=$((notes + 1)) ;;
                esac
            fi
            listed=$((listed + 1))
            if ((listed <= limit)); then
                md_cell "$file:$row:$col"
                local where=$REPLY
                md_cell "$message"
                rows+=("| $severity | $where | \`$rule\` | $REPLY |")
            fi
        elif [[ -n $line ]] && ((${#remarks[@]} < limit)); then
            remarks+=("$line")
        fi
    done <"$concise"

    set_output exit-code "$status"
    set_output errors "$errors"
    set_output warnings "$warnings"
    set_output notes "$notes"
    set_output input-errors "$input_errors"

    # What code scanning gets, and why not everything.
    local upload_note='' total=$((errors + warnings + notes))
    if [[ $upload == true && ${GATELINT_FORK_PULL_REQUEST:-} == true ]]; then
        # A pull request from a fork runs with a read-only token: the upload would fail.
        upload=false
        upload_note="Not uploaded to code scanning: this pull request comes from a fork, whose token cannot write security events. The verdict and the annotations stand."
        echo "::notice title=gatelint action::$upload_note"
    fi
    if [[ -s $sarif ]] && ((total > max_results)); then
        # Also without upload-sarif: the sarif-file output may be uploaded by a later step.
        upload_note+="${upload_note:+ }Code scanning gets the $max_results most severe of the $total findings: it takes at most 25,000 results and 10 MB of gzipped SARIF per upload. Left out: the $((total - max_results)) least severe; this summary and the annotations count them all."
        echo "::warning title=gatelint action::Code scanning gets the $max_results most severe of the $total findings (its limits: 25,000 results, 10 MB gzipped)"
    fi
    set_output upload-sarif "$([[ $upload == true && -s $sarif ]] && echo true || echo false)"

    local verdict
    case "$status" in
        0) verdict="passed (no finding at or above $threshold)" ;;
        1) verdict="failed: findings at or above $threshold" ;;
        2) if ((input_errors > 0)); then
            verdict="failed: $(plural "$input_errors" "input error") (files that could not be read or parsed)"
        else
            verdict="failed: gatelint refused its arguments (see the log)"
        fi ;;
        *) verdict="failed: gatelint stopped with exit code $status" ;;
    esac
    echo "gatelint: $(plural "$errors" error), $(plural "$warnings" warning), $(plural "$notes" note); $verdict"

    [[ $summary == true ]] || return 0
    {
        echo "## gatelint"
        echo
        if [[ -n $diff_base ]]; then
            md_cell "$diff_base"
            if [[ -z $diff_rev ]]; then
                echo "The routes are not compared with $REPLY: it is not in the checkout (give actions/checkout \`fetch-depth: 0\`)."
                echo
            else
                if [[ -s $dir/diff.md ]]; then
                    cat "$dir/diff.md"
                    echo
                fi
                if ((diff_status != 0)); then
                    echo "\`gatelint routes --diff\` against $REPLY exited with $diff_status (see the log)."
                    echo
                fi
            fi
        fi
        md_cell "${shown:-.}"
        echo "**$(plural "$errors" error), $(plural "$warnings" warning), $(plural "$notes" note)** in $REPLY: $verdict."
        echo
        if [[ -n $upload_note ]]; then
            echo "$upload_note"
            echo
        fi
        if ((${#rows[@]} > 0)); then
            echo "| severity | location | rule | message |"
            echo "|---|---|---|---|"
            printf '%s\n' "${rows[@]}"
            if ((listed > limit)); then
                echo
                echo "… and $((listed - limit)) more: see the annotations or the SARIF file."
            fi
            echo
        fi
        if ((${#remarks[@]} > 0)); then
            local remark
            for remark in "${remarks[@]}"; do
                md_cell "$remark"
                echo "- $REPLY"
            done
            echo
        fi
        echo "### Route inventory"
        echo
        if has_routes; then
            local routes_status
            set +e
            "$gatelint" routes --format markdown -- "${paths[@]}" >"$dir/routes.md" 2>"$dir/routes.err"
            routes_status=$?
            set -e
            if ((routes_status == 0)) || [[ -s "$dir/routes.md" ]]; then
                cat "$dir/routes.md"
            fi
            if ((routes_status != 0)); then
                echo
                echo "\`gatelint routes\` exited with $routes_status."
            fi
        else
            echo "This gatelint ($("$gatelint" --version)) has no \`routes\` command."
        fi
        echo
    } >>"$summary_file"
}

# ---------------------------------------------------------------------------------------------
# conclude

cmd_conclude() {
    local status=${GATELINT_EXIT_CODE:-}
    case "$status" in
        0) echo "gatelint: passed" ;;
        1) echo "::error title=gatelint::findings at or above fail-on (${GATELINT_FAIL_ON:-from the configuration, else warning}); see the annotations and the job summary" ;;
        2) echo "::error title=gatelint::input errors: some files could not be read or parsed, or an argument was wrong; see the annotations and the job summary" ;;
        '' | *[!0-9]*) fail "no exit code recorded (\"$status\"): the lint step did not finish" ;;
        *) echo "::error title=gatelint::gatelint stopped with exit code $status" ;;
    esac
    exit "$status"
}

case "${1:-}" in
    plan) cmd_plan ;;
    install) cmd_install ;;
    lint) cmd_lint ;;
    conclude) cmd_conclude ;;
    *)
        echo "usage: $0 plan|install|lint|conclude" >&2
        exit 2
        ;;
esac
