// Front end of engine.views.OffsetsView: one bar per partition with the group's offsets.
//
// live.js (put in front of this file by engine/views/live.py) keeps the state in sync
// from `snapshot` and one `delta` ({seq, ops}) per journal event that changed a row; the
// op rules mirror apply_op in engine/views/offsetsstate.py and the
// drawing mirrors render_html in engine/views/offsets.py (same elements, same text).

const dash = (value) => (value === null || value === undefined ? "-" : String(value));

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

export default () =>
  live({
    applyOp,
    render({ el }) {
      const root = make("div", "kc-offsets-view");
      el.append(root);
      return (state) => draw(state, root);
    },
  });
