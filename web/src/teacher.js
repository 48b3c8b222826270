// The teacher's view: one tile per seat (reachable, label, kit/lesson, last result), live over
// the server's /ws/teacher; push a lesson, run, stop and collect on every seat (boardkit.fleet).

export function startTeacher({ session, wsUrl, code, $ }) {
  $("teacher").hidden = false;
  $("class-name").textContent = session.class_name || "";
  const tiles = new Map();
  const studio = window.studio;
  studio.seats = {};
  studio.teacherOps = []; // every action's end, in order
  let ws = null;

  function tile(name) {
    if (!tiles.has(name)) {
      const el = document.createElement("div");
      el.className = "tile";
      el.dataset.seat = name;
      el.innerHTML = '<div class="name"></div><div class="info"></div><div class="state"></div><div class="result"></div>';
      el.querySelector(".name").textContent = name;
      $("tiles").append(el);
      tiles.set(name, el);
    }
    return tiles.get(name);
  }

  function render(seat) {
    studio.seats[seat.name] = { ...(studio.seats[seat.name] || {}), ...seat };
    const s = studio.seats[seat.name];
    const el = tile(s.name);
    el.className = `tile ${s.state || ""}`;
    el.querySelector(".info").textContent = [s.pupil, s.board, s.reachable === false ? "unreachable" : s.reachable ? "reachable" : "", s.label && `label ${s.label}`, s.kit && `kit ${s.kit}`, s.lesson && `lesson ${s.lesson}`].filter(Boolean).join(" · ");
    el.querySelector(".state").textContent = s.text || "";
    el.querySelector(".result").textContent = s.result || "";
  }

  function connect() {
    ws = new WebSocket(wsUrl("ws/teacher", {}));
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      if (msg.event === "seats") msg.seats.forEach(render);
      else if (msg.event === "seat") render(msg.seat);
      else if (msg.event === "done") {
        $("t-status").textContent = `${msg.op}: ${msg.failed.length ? "failed on " + msg.failed.join(", ") : "ok on every seat"}`;
        studio.lastTeacherOp = msg;
        studio.teacherOps.push(msg);
      } else if (msg.event === "error") $("t-status").textContent = msg.message;
    };
    ws.onclose = () => { $("t-status").textContent = "connection to the server lost; retrying"; setTimeout(connect, 2000); };
  }
  connect();

  const send = (op, args = {}) => {
    $("t-status").textContent = `${op}…`;
    studio.lastTeacherOp = null;
    ws.send(JSON.stringify({ op, ...args }));
  };
  $("t-push").onclick = () => send("push", { folder: $("lesson").value });
  $("t-run").onclick = () => send("run", { code: code() });
  $("t-stop").onclick = () => send("stop");
  $("t-collect").onclick = () => send("collect", { folder: $("collect-dir").value });
  studio.teacher = { send };
}
