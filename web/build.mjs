// Bundles the studio page (src/) into the Python package's assets folder.
//   node build.mjs [OUTDIR]     (default: ../host/boardkit/studio/assets)
// The output is deterministic (no timestamps, no hashes in names), so a rebuild of
// unchanged sources leaves the committed assets byte-for-byte the same.
import * as esbuild from "esbuild";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] || path.join(here, "../host/boardkit/studio/assets"));
fs.mkdirSync(out, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  format: "esm",
  target: ["chrome100"],
  legalComments: "none",
  logLevel: "warning",
};
// The page's own files are asked for as NAME?v=HASH (their content's), which the server lets
// the browser keep without asking again: a warm load then costs no round trip for them.
const versioned = (name) => `${name}?v=${crypto.createHash("sha256").update(fs.readFileSync(path.join(out, name))).digest("hex").slice(0, 12)}`;
const built = (name, entry, define = {}) =>
  esbuild.build({ ...common, entryPoints: [path.join(here, "src", entry)], outfile: path.join(out, name), define }).then(() => versioned(name));
const worker = await built("worker.js", "worker.js");
const app = await built("app.js", "main.js", { __WORKER_JS__: JSON.stringify(worker) });
const boot = await built("boot.js", "boot.js", { __WORKER_JS__: JSON.stringify(worker), __APP_JS__: JSON.stringify(app) });
await esbuild.build({
  ...common,
  entryPoints: [path.join(here, "src/style.css")],
  outfile: path.join(out, "app.css"),
  loader: { ".css": "css" },
});
const html = fs.readFileSync(path.join(here, "src/index.html"), "utf8")
  .replace('src="boot.js"', `src="${boot}"`)
  .replace('href="app.css"', `href="${versioned("app.css")}"`);
fs.writeFileSync(path.join(out, "index.html"), html);
