// What the program uses that the target board lacks: the same feature names and the same
// rules as boardkit's `check` (host/boardkit/conformance/check.py), read here from the
// editor's Lezer syntax tree, judged against the same feature_data.json.

const CALLS = {
  float: ["float", "float()"], frozenset: ["frozenset", "frozenset()"], bytearray: ["bytearray", "bytearray()"],
  memoryview: ["memoryview", "memoryview()"], property: ["property", "property"], complex: ["complex", "complex()"],
  slice: ["slice_builtin", "slice()"], format: ["format_builtin", "format()"], vars: ["vars", "vars()"],
  ascii: ["ascii", "ascii()"], delattr: ["delattr", "delattr()"], exec: ["exec_eval", "exec()"], eval: ["exec_eval", "eval()"],
};
const METHODS = {
  encode: ["str_encode", "str.encode()"], casefold: ["str_casefold", "str.casefold()"],
  removeprefix: ["str_removeprefix", "str.removeprefix()"], zfill: ["str_zfill", "str.zfill()"],
  center: ["str_center", "str.center()"], title: ["str_title", "str.title()"], partition: ["str_partition", "str.partition()"],
  splitlines: ["str_splitlines", "str.splitlines()"], translate: ["str_translate", "str.translate()"],
  ljust: ["str_ljust", "str.ljust()"], hex: ["bytes_hex", ".hex()"], to_bytes: ["int_bytes", "int.to_bytes()"],
  from_bytes: ["int_bytes", "int.from_bytes()"], bit_length: ["int_bit_length", "int.bit_length()"],
  is_integer: ["float_is_integer", "float.is_integer()"],
};
const BIG = 2 ** 30 - 1;

/** Every feature use in the tree: {feature, what, from, to, certain}. */
export function usesIn(tree, text) {
  const uses = [];
  const add = (node, feature, what, certain = true) => uses.push({ feature, what, from: node.from, to: node.to, certain });
  const src = (n) => text.slice(n.from, n.to);
  tree.iterate({
    enter(ref) {
      const node = ref.node;
      switch (node.name) {
        case "FormatString": add(node, "fstring", "f-string"); break;
        case "NamedExpression": add(node, "walrus", "walrus operator :="); break;
        case "MatchStatement": add(node, "match_stmt", "match statement"); break;
        case "SetExpression": case "SetComprehensionExpression": add(node, "set", "set"); break;
        case "AwaitExpression": add(node, "async", "async/await"); break;
        case "FunctionDefinition": case "ForStatement": case "WithStatement":
          if (node.firstChild && node.firstChild.name === "async") add(node.firstChild, "async", "async/await");
          break;
        case "Number": {
          const t = src(node).replace(/_/g, "").toLowerCase();
          if (/j$/.test(t)) add(node, "complex", "complex literal");
          else if (!/^0[xob]/.test(t) && /[.e]/.test(t)) add(node, "float", "float literal");
          else if (Math.abs(Number(t)) > BIG) add(node, "bigint", `big integer ${t}`);
          break;
        }
        case "ArithOp": if (src(node) === "/") add(node, "float", "true division / (gives a float)"); break;
        case "RaiseStatement": if (node.getChild("from")) add(node, "exc_chaining", "raise ... from ..."); break;
        case "DictionaryExpression": if (node.getChild("**")) add(node, "dict_unpack", "{**mapping} in a dict display"); break;
        case "AssignStatement": if (node.getChild("TypeDef")) add(node, "var_annotations", "variable annotation"); break;
        case "Decorator": if (src(node).trim() === "@property") add(node, "property", "@property"); break;
        case "MemberExpression": if (node.getChildren(":").length === 2) add(node, "seq_slice_step", "slice with a step (on str, bytes or tuple)", false); break;
        case "ParamList": {
          const kids = [];
          for (let c = node.firstChild; c; c = c.nextSibling) kids.push(c);
          const star = kids.findIndex((c) => c.name === "*");
          if (star >= 0) {
            const after = kids.slice(star + 1);
            const end = after.findIndex((c) => c.name === "**"); // **kwargs is not keyword-only
            const named = (end >= 0 ? after.slice(0, end) : after).filter((c) => c.name === "VariableName" && !(c.prevSibling && c.prevSibling.name === "AssignOp")).length;
            const bare = kids[star + 1] && kids[star + 1].name !== "VariableName";
            if (named > (bare ? 0 : 1)) add(node, "kwonly_args", "keyword-only parameters");
          }
          if (/[(,]\s*\/\s*[,)]/.test("(" + src(node).replace(/^\(|\)$/g, "") + ")")) add(node, "posonly_args", "positional-only parameters");
          break;
        }
        case "ImportStatement": {
          const names = [];
          let sawFrom = false, sawImport = false, cur = node.firstChild, relative = false;
          for (; cur; cur = cur.nextSibling) {
            if (cur.name === "from") sawFrom = true;
            else if (cur.name === "import") sawImport = true;
            else if (cur.name === "." || cur.name === "Ellipsis") { if (!sawImport) relative = true; }
            else if (cur.name === "VariableName" && (!sawFrom || !sawImport)) {
              // `import a.b, c` -> a, c; `from a.b import c` -> a
              const prev = cur.prevSibling;
              if (!prev || prev.name !== ".") names.push(src(cur));
            }
          }
          if (!relative) for (const n of sawFrom ? names.slice(0, 1) : names) add(node, `module:${n}`, `import ${n}`);
          break;
        }
        case "CallExpression": {
          const f = node.firstChild;
          if (f && f.name === "VariableName") {
            const name = src(f);
            const args = node.getChild("ArgList");
            const count = args ? args.getChildren(",").length + (args.firstChild.nextSibling.name !== ")" ? 1 : 0) : 0;
            if (CALLS[name]) add(node, ...CALLS[name]);
            else if (name === "next" && count === 2) add(node, "next_default", "next() with a default");
            else if (name === "pow" && count === 3) add(node, "pow3", "pow() with a modulus");
            else if (name === "open" && args) {
              const mode = args.getChildren("String")[0];
              const first = args.firstChild.nextSibling;
              if (mode && first !== mode && /a/.test(src(mode).replace(/^[rbuRBU]*['"]|['"]$/g, ""))) add(node, "file_append", "open() for appending");
            }
          } else if (f && f.name === "MemberExpression") {
            const prop = f.getChild("PropertyName");
            if (prop && METHODS[src(prop)]) add(node, ...METHODS[src(prop)], false);
          }
          break;
        }
        default:
      }
    },
  });
  return uses;
}

/** Diagnostics for CodeMirror's lint: what `target` lacks, one per use. */
export function problemsFor(tree, text, featureData, target) {
  const data = featureData && featureData[target];
  if (!data) return [];
  const short = data.description.split(" (")[0];
  return usesIn(tree, text)
    .filter((u) => data.features[u.feature] === false) // undefined: not measured, so not claimed
    .map((u) => ({
      from: u.from,
      to: u.to,
      severity: u.certain ? "error" : "warning",
      source: "check",
      feature: u.feature,
      message: u.feature.startsWith("module:")
        ? `${u.what}: no such module on ${target} (${short})`
        : `${u.certain ? "" : "maybe: "}${u.what}: not on ${target} (${short})`,
    }));
}
