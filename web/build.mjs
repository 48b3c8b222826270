// Bundles the studio page (src/) into the Python package's assets folder.
//   node build.mjs [OUTDIR]     (default: ../host/boardkit/studio/assets)
// The output is deterministic (no timestamps, no hashes in names), so a rebuild of
// unchanged sources leaves the committed assets byte-for-byte the same.
import * as esbuild from "esbuild";
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
await esbuild.build({ ...common, entryPoints: [path.join(here, "src/main.js")], outfile: path.join(out, "app.js") });
await esbuild.build({ ...common, entryPoints: [path.join(here, "src/worker.js")], outfile: path.join(out, "worker.js") });
await esbuild.build({ ...common, entryPoints: [path.join(here, "src/boot.js")], outfile: path.join(out, "boot.js") });
await esbuild.build({
  ...common,
  entryPoints: [path.join(here, "src/style.css")],
  outfile: path.join(out, "app.css"),
  loader: { ".css": "css" },
});
fs.copyFileSync(path.join(here, "src/index.html"), path.join(out, "index.html"));
