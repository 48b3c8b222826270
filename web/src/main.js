// boardkit studio: the page. Editor + terminal, MicroPython in a worker, a check against the
// chosen board, real boards over Web Serial or the studio server, and the teacher's view.
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from "@codemirror/view";
import { EditorState, EditorSelection, StateEffect } from "@codemirror/state";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { syntaxHighlighting, defaultHighlightStyle, syntaxTree, indentOnInput } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { linter, lintGutter } from "@codemirror/lint";
import { Terminal } from "@xterm/xterm";
import { PageRunner, tracebackLine } from "./runner.js";
import { problemsFor } from "./check.js";
import { RawRepl } from "./rawrepl.js";
import { SerialTransport, BridgeTransport } from "./transports.js";
import { startTeacher } from "./teacher.js";
import { STORE, savedCode } from "./saved.js";

const $ = (id) => document.getElementById(id);
const TARGET = "boardkit-studio:target";
const params = new URLSearchParams(location.search);
const token = params.get("t") || "";
const boot = window.__bkBoot; // boot.js: the worker, and maybe a program already running
const studio = (window.studio = { ready: false, lastError: null, problems: [], marks: { ...(boot && boot.marks), script: performance.now() } });
if (boot && boot.firstOutputAt !== undefined) studio.firstOutputAt = boot.firstOutputAt; // shown by boot.js

// ------------------------------------------------------------------ terminal
const term = new Terminal({ convertEol: true, fontSize: 13, rows: 20, theme: { background: "#111111" } });
term.open($("terminal"));
studio.term = term;
$("terminal").addEventListener("click", () => term.focus()); // also below the last row
studio.terminalText = () => {
  const buf = term.buffer.active;
  const lines = [];
  for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i).translateToString(true));
  return lines.join("\n").replace(/\n+$/, "");
};
studio.marks.terminal = performance.now();
const say = (text) => term.write(`\x1b[36m${text}\x1b[0m\r\n`);

// ------------------------------------------------------------------ the interpreter
let waitingInput = false;
let inputLine = "";
const runner = new PageRunner({
  onOutput: (text) => {
    if (studio.firstOutputAt === undefined) studio.firstOutputAt = performance.now(); // since navigation
    term.write(text);
  },
  onInput: () => { waitingInput = true; inputLine = ""; studio.waitingInput = true; term.focus(); },
  onDone: (result) => {
    waitingInput = false; studio.waitingInput = false;
    $("run").disabled = false; $("stop").disabled = true;
    if (result.stopped) say("[stopped]");
    else if (result.error) { term.write(`\x1b[31m${result.error.message.trim()}\x1b[0m\r\n`); showError(result.error); }
    studio.running = false;
    studio.runs = (studio.runs || 0) + 1;
  },
});
studio.runner = runner;
runner.spare.ready.then(() => { studio.marks.spare = performance.now(); });

// ------------------------------------------------------------------ feature data + check
let features = {};
let target = localStorage.getItem(TARGET) || "microbit";
const retarget = StateEffect.define(); // the board changed: check again
const checkLinter = linter((view) => {
  const diags = problemsFor(syntaxTree(view.state), view.state.doc.toString(), features, target);
  studio.problems = diags.map((d) => ({ line: view.state.doc.lineAt(d.from).number, message: d.message, feature: d.feature }));
  const list = $("problems");
  list.replaceChildren(...studio.problems.map((p) => {
    const li = document.createElement("li");
    li.textContent = `line ${p.line}: ${p.message}`;
    li.dataset.line = p.line;
    li.onclick = () => goToLine(p.line);
    return li;
  }));
  return diags;
}, { delay: 250, needsRefresh: (u) => u.transactions.some((tr) => tr.effects.some((e) => e.is(retarget))) });

// ------------------------------------------------------------------ editor (autosaved)
let saveTimer = null;
const autosave = () => { try { localStorage.setItem(STORE, view.state.doc.toString()); } catch { /* full or private */ } };
const view = new EditorView({
  parent: $("editor"),
  state: EditorState.create({
    doc: savedCode(),
    extensions: [
      lineNumbers(), history(), drawSelection(), highlightActiveLine(), indentOnInput(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }), python(), checkLinter, lintGutter(),
      keymap.of([{ key: "Mod-Enter", run: () => { runInPage(); return true; } }, indentWithTab, ...defaultKeymap, ...historyKeymap]),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) { clearTimeout(saveTimer); saveTimer = setTimeout(autosave, 200); }
      }),
    ],
  }),
});
addEventListener("pagehide", autosave);
studio.marks.editor = performance.now();
studio.view = view;
studio.code = () => view.state.doc.toString();
studio.setCode = (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
studio.cursorLine = () => view.state.doc.lineAt(view.state.selection.main.head).number;

function goToLine(n) {
  const line = view.state.doc.line(Math.max(1, Math.min(n, view.state.doc.lines)));
  view.dispatch({ selection: EditorSelection.range(line.from, line.to), scrollIntoView: true });
  view.focus();
}

// Traceback lines in the terminal are links too: `File "<stdin>", line 3` jumps to line 3.
term.registerLinkProvider({
  provideLinks(y, callback) {
    const line = term.buffer.active.getLine(y - 1);
    const text = line ? line.translateToString(true) : "";
    const m = /File "(?:<stdin>|main\.py)", line (\d+)/.exec(text);
    if (!m) { callback(undefined); return; }
    callback([{
      text: m[0],
      range: { start: { x: m.index + 1, y }, end: { x: m.index + m[0].length, y } },
      activate: () => goToLine(Number(m[1])),
    }]);
  },
});

function showError(error) {
  const box = $("error");
  studio.lastError = error;
  if (!error) { box.hidden = true; box.replaceChildren(); return; }
  const lines = error.message.trim().split("\n");
  const last = lines[lines.length - 1];
  const at = tracebackLine(error.message);
  box.replaceChildren(document.createTextNode(last + " "));
  if (at) {
    const a = document.createElement("a");
    a.id = "error-line";
    a.textContent = `line ${at}`;
    a.dataset.line = at;
    a.onclick = () => goToLine(at);
    box.append(a);
  }
  box.hidden = false;
}

// ------------------------------------------------------------------ run in the page


function runInPage() {
  showError(null);
  $("run").disabled = true; $("stop").disabled = false;
  studio.running = true;
  return runner.run(view.state.doc.toString());
}
studio.run = runInPage;
studio.stop = () => runner.stop();
$("run").onclick = runInPage;
$("stop").onclick = () => runner.stop();
if (boot && boot.run) {
  // boot.js started the program (a #run link, or Run pressed early): its output moves from
  // the plain <pre> into the terminal, and the runner carries on with it
  studio.running = true;
  const early = $("early-output");
  runner.adopt();
  studio.marks.adopted = performance.now();
  if (early) early.remove();
}

term.onData((data) => {
  if (waitingInput) {
    for (const ch of data) {
      if (ch === "\r") { term.write("\r\n"); waitingInput = false; studio.waitingInput = false; runner.sendInput(inputLine); }
      else if (ch === "\x7f") { if (inputLine) { inputLine = inputLine.slice(0, -1); term.write("\b \b"); } }
      else if (ch >= " ") { inputLine += ch; term.write(ch); }
    }
  } else if (board) {
    board.type(data).catch(() => null);
  }
});

// ------------------------------------------------------------------ files
$("download").onclick = () => {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([view.state.doc.toString()], { type: "text/x-python" }));
  a.download = "main.py";
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
};
$("open").onclick = () => $("file").click();
$("file").onchange = async () => {
  const f = $("file").files[0];
  if (f) studio.setCode(await f.text());
  $("file").value = "";
};

// ------------------------------------------------------------------ real boards
let board = null;
let reconnect = null;
studio.board = () => board;
const setStatus = (text) => { $("board-status").textContent = text; studio.boardStatus = text; };

function attach(transport, again) {
  board = new RawRepl(transport, {
    onTerminal: (bytes) => term.write(bytes),
    onGone: (why) => {
      board = null;
      $("board-bar").hidden = true;
      setStatus(`board lost: ${why}`);
      say(`[board lost: ${why}; reconnecting when it comes back]`);
      if (again) reconnect = setTimeout(() => tryAgain(again), 1500);
    },
  });
  $("board-bar").hidden = false;
  setStatus(`connected: ${transport.label}`);
  term.focus(); // the terminal is now the board's REPL
}

async function tryAgain(again) {
  try {
    attach(await again(), again);
    say("[board back]");
  } catch {
    reconnect = setTimeout(() => tryAgain(again), 1500);
  }
}

async function connectWith(open) {
  clearTimeout(reconnect);
  if (board) await disconnect();
  try {
    attach(await open(), open);
  } catch (e) {
    setStatus(`could not connect: ${e.message}`);
  }
}

async function disconnect() {
  clearTimeout(reconnect);
  const b = board;
  board = null;
  if (b) { b.onGone = () => {}; await b.t.close(); }
  $("board-bar").hidden = true;
  setStatus("no board");
}

const wsUrl = (path, query) => {
  const q = new URLSearchParams({ ...query, ...(token ? { t: token } : {}) });
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/${path}?${q}`;
};

$("connect-usb").onclick = async () => {
  if (!SerialTransport.available()) { setStatus("this browser has no Web Serial: use Chrome or a Chromebook"); return; }
  let port = null;
  await connectWith(async () => {
    if (!port) { const t = await SerialTransport.request(); port = t.port; return t; }
    const t = new SerialTransport(port); await t.open(); return t;
  });
};
$("connect-server").onclick = () => {
  const choice = $("server-board").value;
  const query = choice.startsWith("seat:") ? { seat: choice.slice(5) } : { target: choice };
  return connectWith(() => BridgeTransport.open(wsUrl("ws/bridge", query)));
};
$("board-disconnect").onclick = disconnect;

async function boardAction(label, fn) {
  if (!board) return;
  setStatus(label + "…");
  try {
    const text = await fn(board);
    setStatus(text || `${label}: done`);
  } catch (e) {
    if (e.name !== "BoardGone") setStatus(`${label} failed: ${e.message}`); // else onGone has said it
  }
}
$("board-run").onclick = () => boardAction("running on the board", async (b) => {
  showError(null);
  const r = await b.run(view.state.doc.toString(), { onOut: (bytes) => term.write(bytes) });
  if (r.err) showError({ type: "error", message: r.err });
  return r.err ? `error: ${r.err.trim().split("\n").pop()}` : "program ended";
});
$("board-stop").onclick = () => board && board.interrupt();
$("board-save").onclick = () => boardAction("saving main.py", async (b) => `saved main.py (${await b.saveFile("main.py", view.state.doc.toString())} bytes)`);
$("board-files").onclick = () => boardAction("listing files", async (b) => {
  const files = await b.listFiles();
  $("board-files-list").textContent = files.map((f) => (f.size < 0 ? `${f.name}/` : `${f.name} (${f.size})`)).join("  ");
  studio.boardFiles = files;
  return `${files.length} file(s)`;
});
$("board-reset").onclick = () => boardAction("resetting", async (b) => { await b.softReset(); return "reset"; });

// ------------------------------------------------------------------ start
function fillTargets() {
  const select = $("target");
  const names = Object.keys(features).filter((n) => n !== "cpython");
  select.replaceChildren(...names.map((n) => new Option(`${n} — ${features[n].description.split(" (")[0]}`, n)));
  if (!names.includes(target)) target = names[0];
  select.value = target;
  select.onchange = () => { target = select.value; localStorage.setItem(TARGET, target); view.dispatch({ effects: retarget.of(target) }); };
}

async function start() {
  const featuresLoaded = fetch("features.json").then((r) => r.json()).catch(() => ({}));
  const sessionLoaded = fetch(`api/session${location.search}`)
    .then((r) => (r.ok ? r.json() : { role: "static" }))
    .catch(() => ({ role: "static" })); // a static copy of the page: no server
  if (location.hash === "#run" && !boot) runner.spare.ready.then(() => runInPage()); // a link that runs at once
  features = await featuresLoaded;
  const session = await sessionLoaded;
  studio.session = session;
  if (session.seat && session.seat.board && features[session.seat.check]) target = session.seat.check;
  fillTargets();
  view.dispatch({ effects: retarget.of(target) });
  if (session.role !== "static") {
    const select = $("server-board");
    const choices = session.seat ? [[`seat:${session.seat.name}`, `my board (${session.seat.name})`]]
      : (session.boards || []).map((b) => [b.target, b.label]);
    select.replaceChildren(...choices.map(([v, l]) => new Option(l, v)));
    select.hidden = $("connect-server").hidden = choices.length === 0;
  }
  if (session.role === "teacher") startTeacher({ session, wsUrl, code: () => view.state.doc.toString(), $ });
  await runner.spare.ready;
  studio.ready = true;
  document.body.dataset.ready = "1";
}
start();
