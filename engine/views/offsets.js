// Front end of engine.views.OffsetsView: one bar per partition with the group's offsets.
//
// Python sends `snapshot` once, then one `delta` ({seq, ops}) per journal event that
// changed a row; the op rules mirror apply_op in engine/views/offsetsstate.py and the
// drawing mirrors render_html in engine/views/offsets.py (same elements, same text).

const raf =
  typeof requestAnimationFrame === "function"
    ? (fn) => requestAnimationFrame(fn)
    : (fn) => setTimeout(fn, 16);

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const copy = (value) => JSON.parse(JSON.stringify(value));
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
const dash = (value) => (value === null || value === undefined ? "-" : String(value));
const colourCss = (state, index) =>
  index < 0 ? "transparent" : state.palette[index % state.palette.length];

function applyOp(state, op) {
  if (op.op === "rows") {
    state.topics = copy(op.topics);
    state.rows = copy(op.rows);
  } else if (op.op === "row" && op.i >= 0 && op.i < state.rows.length) {
    state.rows[op.i] = copy(op.row);
  }
}

function totalLag(rows) {
  return rows.reduce((sum, r) => sum + (r.lag === null ? 0 : r.lag), 0);
}

function rowText(row) {
  return `start ${row.start} · committed ${dash(row.committed)} · HW ${row.hw} · ` +
    `LEO ${row.leo} · lag ${dash(row.lag)}`;
}

const pct = (offset, scale) => `${((offset * 100) / scale).toFixed(2)}%`;

function span(className, left, right, scale) {
  const node = make("span", className);
  node.style.left = pct(left, scale);
  node.style.width = pct(Math.max(right - left, 0), scale);
  return node;
}

function drawRow(state, row, scale) {
  const { start, hw, leo, committed } = row;
  const node = make("div", "kc-offsets-row");
  Object.assign(node.dataset, {
    topic: row.topic,
    partition: String(row.partition),
    logStart: String(start),
    committed: dash(committed),
    hw: String(hw),
    leo: String(leo),
    lag: dash(row.lag),
    positions: row.positions.map(([c, , o]) => `${c}:${o}`).join(" "),
  });
  const bar = make("span", "kc-bar");
  bar.append(
    span("kc-bar-removed", 0, start, scale),
    span("kc-bar-log", start, hw, scale),
    span("kc-bar-unreplicated", hw, leo, scale),
  );
  if (committed !== null) {
    const lag = span("kc-bar-lag", Math.min(committed, hw), hw, scale);
    lag.title = `lag ${dash(row.lag)}`;
    const mark = make("span", "kc-committed-mark");
    mark.dataset.offset = String(committed);
    mark.title = `committed ${committed}`;
    mark.style.left = pct(committed, scale);
    bar.append(lag, mark);
  }
  const positions = make("span", "kc-positions");
  for (const [client, colour, offset] of row.positions) {
    const mark = make("span", "kc-position-mark");
    Object.assign(mark.dataset, { clientId: client, offset: String(offset) });
    mark.title = `${client} position ${offset}`;
    mark.style.left = pct(offset, scale);
    mark.style.setProperty("--kc-member", colourCss(state, colour));
    bar.append(mark);
    const label = make("span", "kc-position", `${client} @ ${offset}`);
    Object.assign(label.dataset, { clientId: client, offset: String(offset) });
    label.style.setProperty("--kc-member", colourCss(state, colour));
    positions.append(label);
  }
  node.append(
    make("b", "kc-offsets-name", `${row.topic}-${row.partition}`),
    bar,
    make("span", "kc-offsets-text", rowText(row)),
    positions,
  );
  return node;
}

function draw(state, root) {
  const rows = state.rows;
  Object.assign(root.dataset, {
    group: state.group,
    partitions: String(rows.length),
    totalLag: String(totalLag(rows)),
  });
  root.replaceChildren();
  const head = make("div", "kc-offsets-header");
  head.append(
    make("b", "kc-group-name", state.group),
    make("span", "kc-offsets-summary", ` · ${plural(rows.length, "partition")} · total lag ${totalLag(rows)}`),
  );
  root.append(head);
  if (!rows.length) {
    root.append(make("div", "kc-missing",
      "No partitions yet: no consumer of this group has subscribed to an existing topic."));
    return;
  }
  const scale = Math.max(1, ...rows.map((r) => r.leo));
  for (const row of rows) root.append(drawRow(state, row, scale));
}

export default () => {
  let state = null;
  let resyncAsked = false;
  const redraws = new Set();
  let pending = false;

  function redrawAll() {
    if (pending) return;
    pending = true;
    raf(() => {
      pending = false;
      for (const redraw of redraws) redraw();
    });
  }

  function takeSnapshot(model) {
    const snapshot = model.get("snapshot");
    if (!snapshot || typeof snapshot.seq !== "number") return;
    state = copy(snapshot);
    resyncAsked = false;
    takeDelta(model);
    redrawAll();
  }

  function takeDelta(model) {
    const delta = model.get("delta");
    if (!state || !delta || typeof delta.seq !== "number" || delta.seq <= state.seq) return;
    if (delta.seq !== state.seq + 1) {
      if (!resyncAsked) {
        resyncAsked = true;
        model.send({ kind: "resync", have: state.seq });
      }
      return;
    }
    for (const op of delta.ops) applyOp(state, op);
    state.seq = delta.seq;
    redrawAll();
  }

  return {
    initialize({ model }) {
      model.on("change:snapshot", () => takeSnapshot(model));
      model.on("change:delta", () => takeDelta(model));
      takeSnapshot(model);
    },
    render({ el }) {
      const root = make("div", "kc-offsets-view");
      el.append(root);
      const redraw = () => {
        if (state) draw(state, root);
      };
      redraws.add(redraw);
      redraw();
      return () => redraws.delete(redraw);
    },
  };
};
