// Front end of engine.views.PartitionView: one row per partition, one cell per record.
//
// The sync plumbing and the small helpers (make, copy, plural, ...) are in live.js, which
// engine/views/live.py puts in front of this file. The rules for the ops mirror
// TopicLogState.apply in engine/views/logstate.py.

// ---------------------------------------------------------------- state updates

function applyOp(state, op) {
  if (op.op === "add") {
    for (const part of op.partitions) state.partitions.push(copy(part));
    return;
  }
  const part = state.partitions[op.p];
  if (!part) return;
  part.start = op.start;
  part.hw = op.hw;
  part.leo = op.leo;
  part.cells = part.cells.filter((cell) => cell[0] >= op.start);
  part.segments = part.segments.filter((base) => base > op.start);
  if (op.op === "append") {
    part.cells.push(...op.cells);
    if (part.cells.length > state.max_cells) {
      part.cells.splice(0, part.cells.length - state.max_cells);
    }
  } else if (op.op === "roll") {
    if (op.base > part.start && !part.segments.includes(op.base)) {
      part.segments.push(op.base);
    }
  }
}

function recordCount(state) {
  return state.partitions.reduce((sum, p) => sum + (p.leo - p.start), 0);
}

// ---------------------------------------------------------------------- drawing

function drawCell(state, cell, segments, fresh) {
  const [offset, label, colour, tip] = cell;
  const node = make("span", "kc-record");
  node.dataset.offset = String(offset);
  node.dataset.colour = String(colour);
  node.title = tip;
  node.style.setProperty("--kc-key", colourCss(state, colour));
  if (colour < 0) node.classList.add("kc-null-key");
  if (segments.includes(offset)) node.classList.add("kc-segment-start");
  if (fresh) node.classList.add("kc-fresh");
  node.append(make("span", "kc-offset", String(offset)));
  node.append(make("span", "kc-key", label === null ? "null" : label));
  return node;
}

function drawRow(state, part, seenLeo) {
  const { start, hw, leo, cells } = part;
  const row = make("div", "kc-partition");
  Object.assign(row.dataset, {
    partition: String(part.partition),
    logStart: String(start),
    hw: String(hw),
    leo: String(leo),
    records: String(leo - start),
  });
  const label = make("span", "kc-partition-label");
  const title = make("span", "kc-partition-title");
  title.append(
    make("b", "", `P${part.partition}`),
    make("span", "kc-leader", ` · leader ${part.leader} · ${plural(leo - start, "record")}`),
  );
  title.title = `replicas ${part.replicas.join(", ")}`;
  label.append(title, make("span", "kc-offsets", `start ${start} · HW ${hw} · LEO ${leo}`));

  const log = make("span", "kc-log");
  if (start > 0) {
    const removed = make("span", "kc-chip kc-removed", `offsets 0–${start - 1} removed`);
    removed.title = "deleted by retention";
    log.append(removed);
  }
  const firstShown = cells.length ? cells[0][0] : hw;
  if (firstShown > start) {
    const earlier = make("span", "kc-chip kc-earlier", `… ${plural(firstShown - start, "earlier record")}`);
    earlier.dataset.count = String(firstShown - start);
    log.append(earlier);
  }
  for (const cell of cells) {
    const fresh = seenLeo !== undefined && seenLeo <= leo && cell[0] >= seenLeo;
    log.append(drawCell(state, cell, part.segments, fresh));
  }
  const mark = make("span", "kc-hw-mark");
  mark.title = `high watermark ${hw}`;
  log.append(mark);
  if (leo > hw) log.append(make("span", "kc-chip kc-uncommitted", `${leo - hw} not yet committed`));
  const next = make("span", "kc-chip kc-next", `LEO ${leo}`);
  next.title = `log end offset: the next record gets ${leo}`;
  log.append(next);

  row.append(label, log);
  return row;
}

function drawLegend(state, limit = 12) {
  const seen = new Map();
  for (const part of state.partitions) {
    for (const [, label, colour] of part.cells) seen.set(`${label === null}:${label}:${colour}`, [label, colour]);
  }
  const keys = [...seen.values()].sort((a, b) => {
    if ((a[0] === null) !== (b[0] === null)) return a[0] === null ? 1 : -1;
    const [x, y] = [a[0] ?? "", b[0] ?? ""];
    return x < y ? -1 : x > y ? 1 : a[1] - b[1];
  });
  const legend = make("div", "kc-legend");
  for (const [label, colour] of keys.slice(0, limit)) {
    const chip = make("span", "kc-legend-key", label === null ? "null key" : label);
    chip.style.setProperty("--kc-key", colourCss(state, colour));
    if (colour < 0) chip.classList.add("kc-null-key");
    legend.append(chip);
  }
  if (keys.length > limit) legend.append(make("span", "kc-more", `+${keys.length - limit} more keys`));
  return legend;
}

function draw(state, root, seen) {
  const records = recordCount(state);
  Object.assign(root.dataset, {
    topic: state.topic,
    partitions: String(state.partitions.length),
    records: String(records),
    exists: String(state.exists),
  });
  root.replaceChildren();
  if (!state.exists) {
    const missing = make("div", "kc-missing", "Topic ");
    missing.append(make("b", "", state.topic), " does not exist (not created yet, or deleted).");
    root.append(missing);
    return;
  }
  const header = make("div", "kc-header");
  header.append(
    make("b", "kc-topic", state.topic),
    make("span", "kc-summary", ` · ${plural(state.partitions.length, "partition")} · ${plural(records, "record")}`),
  );
  root.append(header, drawLegend(state));
  for (const part of state.partitions) {
    const row = drawRow(state, part, seen.get(part.partition));
    root.append(row);
    seen.set(part.partition, part.leo);
  }
}

// -------------------------------------------------------------------- lifecycle

export default () =>
  live({
    applyOp,
    render({ el }) {
      const root = make("div", "kc-partition-view");
      el.append(root);
      const seen = new Map(); // partition -> log end offset at this view's last draw
      return (state) => draw(state, root, seen);
    },
  });
