// For tests/test_studio_check.py: the page's check (web/src/check.js) over files named on stdin
// (a JSON list); prints {file: ["feature@line", ...]}.
import fs from "node:fs";
import { parser } from "../web/node_modules/@lezer/python/dist/index.js";
import { usesIn } from "../web/src/check.js";
const files = JSON.parse(fs.readFileSync(0, "utf8"));
const out = {};
for (const f of files) {
  const src = fs.readFileSync(f, "utf8");
  const lineOf = (pos) => src.slice(0, pos).split("\n").length;
  out[f] = [...new Set(usesIn(parser.parse(src), src).map((u) => `${u.feature}@${lineOf(u.from)}`))].sort();
}
console.log(JSON.stringify(out));
