// The extension's wiring, with `vscode` and the language client replaced by fakes (they exist
// only inside VS Code): activation starts `<gatelint.path> server` for YAML, JSON and Terraform
// documents, and deactivation stops it. Run with `node --test editors/vscode/test/`.
"use strict";

const test = require("node:test");
const assert = require("node:assert");
const Module = require("node:module");

const settings = { path: "/opt/bin/gatelint" };
const clients = [];

class FakeLanguageClient {
  constructor(id, name, server, client) {
    this.id = id;
    this.server = server;
    this.client = client;
    this.running = false;
    clients.push(this);
  }
  async start() {
    this.running = true;
  }
  async stop() {
    this.running = false;
  }
}

const fakes = {
  vscode: {
    workspace: {
      getConfiguration: (section) => ({
        get: (key) => (section === "gatelint" ? settings[key] : undefined),
      }),
    },
    commands: { registerCommand: (command) => ({ command, dispose() {} }) },
    window: {
      showErrorMessage: (message) => {
        throw new Error(message);
      },
    },
  },
  "vscode-languageclient/node": { LanguageClient: FakeLanguageClient },
};

const load = Module._load;
Module._load = function (request, ...rest) {
  return Object.hasOwn(fakes, request) ? fakes[request] : load.call(this, request, ...rest);
};
const extension = require("../extension.js");
const manifest = require("../package.json");

test("activation starts `gatelint server` with the configured binary", async () => {
  const context = { subscriptions: [] };
  await extension.activate(context);
  assert.equal(clients.length, 1);
  const [client] = clients;
  assert.equal(client.id, "gatelint");
  assert.deepEqual(client.server, { command: "/opt/bin/gatelint", args: ["server"] });
  assert.ok(client.running);
  const languages = client.client.documentSelector.map((selector) => selector.language);
  for (const language of ["yaml", "json", "terraform"]) {
    assert.ok(languages.includes(language), language);
  }
  await extension.deactivate();
  assert.equal(client.running, false);
});

test("the binary defaults to `gatelint` on the PATH", () => {
  delete settings.path;
  assert.deepEqual(extension.serverOptions(), { command: "gatelint", args: ["server"] });
  assert.equal(manifest.contributes.configuration.properties["gatelint.path"].default, "gatelint");
});

test("the extension activates on YAML, JSON and Terraform", () => {
  for (const language of ["yaml", "json", "terraform"]) {
    assert.ok(manifest.activationEvents.includes(`onLanguage:${language}`), language);
  }
  assert.equal(manifest.main, "./extension.js");
});
