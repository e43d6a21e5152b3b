// Starts `gatelint server` (the language server built into the gatelint binary) for YAML, JSON
// and Terraform files; everything else (diagnostics, fixes, hover) is the server's.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

/** The documents the server is given: it lints those that are API documents, ignores the rest. */
const DOCUMENTS = [
  ...["yaml", "json", "jsonc", "terraform", "terraform-vars"].map((language) => ({
    scheme: "file",
    language,
  })),
  // Terraform files have no language without HashiCorp's extension.
  { scheme: "file", pattern: "**/*.{tf,tfvars}" },
];

function serverOptions() {
  const command = vscode.workspace.getConfiguration("gatelint").get("path") || "gatelint";
  return { command, args: ["server"] };
}

async function start(context) {
  client = new LanguageClient(
    "gatelint",
    "gatelint",
    serverOptions(),
    // The server asks VS Code itself to watch `.gatelint.yaml` and the files templates load.
    { documentSelector: DOCUMENTS },
  );
  await client.start();
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("gatelint.restart", async () => {
      if (client) {
        await client.stop();
      }
      await start(context);
    }),
  );
  try {
    await start(context);
  } catch (error) {
    vscode.window.showErrorMessage(
      `gatelint: could not start \`${serverOptions().command} server\` (${error.message}); set gatelint.path to the binary`,
    );
  }
}

async function deactivate() {
  if (client) {
    await client.stop();
  }
}

module.exports = { activate, deactivate, DOCUMENTS, serverOptions };
