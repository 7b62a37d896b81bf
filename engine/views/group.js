// Front end of engine.views.GroupView: a consumer group's members, partitions and
// rebalance timeline.
//
// The sync plumbing (snapshot, deltas, resync) and the small helpers are in live.js,
// which engine/views/live.py puts in front of this file. The rules for the ops mirror
// apply_op in engine/views/groupstate.py; the drawing mirrors render_html in
// engine/views/group.py (same elements, same text).

const STEP_PX = 22;
const TICK_GAP = 3;
const STATE_COLOURS = {
  Empty: "#d9d9d9",
  PreparingRebalance: "#fdb462",
  CompletingRebalance: "#ffed6f",
  Stable: "#b3de69",
  Dead: "#9e9e9e",
};
const MARK_GLYPHS = {
  joined: "●", rejoined: "↻", revoked: "−", assigned: "+", lost: "!",
  crashed: "✕", closed: "■", timeout: "⌛", removed: "⊘", replaced: "⇄",
};

const LEGEND = "● joined  ↻ rejoined  − revoked  + assigned  ! lost  ✕ crashed  ■ closed  " +
  "⊘ removed  ·  " +
  "red dashed: owns nothing after a revoke (stop-the-world)  ·  state: grey Empty, " +
  "orange PreparingRebalance, yellow CompletingRebalance, green Stable";

// ---------------------------------------------------------------- state updates

function applyOp(state, op) {
  if (op.op === "group") {
    for (const name of ["header", "members", "partitions", "topics"]) state[name] = copy(op[name]);
    return;
  }
  if (op.op === "step") {
    state.steps.push(copy(op.step));
    return;
  }
  if (op.op === "lane") {
    state.lanes.push(copy(op.lane));
    return;
  }
  const lane = state.lanes.find((l) => l.m === op.m);
  if (!lane) return;
  const segs = lane.segs;
  const last = segs.length ? segs[segs.length - 1] : null;
  if (op.op === "mark") {
    lane.marks.push(copy(op.mark));
  } else if (op.op === "end") {
    if (last && last[1] === null) last[1] = op.at;
  } else if (op.op === "seg") {
    if (last && last[1] === null && last[0] === op.at) {
      last[2] = copy(op.parts);
      last[3] = op.mode;
      return;
    }
    if (last && last[1] === null) last[1] = op.at;
    segs.push([op.at, null, copy(op.parts), op.mode]);
  }
}

// ---------------------------------------------------------------------- drawing

const tpText = (p) => `${p[0]}-${p[1]}`;
const partLabel = (p, single) => (single ? `P${p[1]}` : tpText(p));

function summary(state) {
  const h = state.header;
  const pieces = [h.state, `generation ${h.generation}`];
  if (h.assignor) pieces.push(h.assignor);
  if (h.rebalance) pieces.push(h.rebalance);
  pieces.push(plural(state.members.length, "member"));
  return " · " + pieces.join(" · ");
}

function tickSteps(steps) {
  const shown = [];
  steps.forEach((step, k) => {
    if (k === 0 || (step.t !== steps[k - 1].t && k - shown[shown.length - 1] >= TICK_GAP)) {
      shown.push(k);
    }
  });
  return shown;
}

function chip(state, part, colour, single, className) {
  const node = make("span", `kc-chip ${className}`, partLabel(part, single));
  if (colour === null || colour === undefined) node.classList.add("kc-unowned");
  else node.style.setProperty("--kc-member", colourCss(state, colour));
  return node;
}

function drawPartitions(state, single) {
  const colours = new Map(state.members.map((m) => [m.m, m.colour]));
  const box = make("div", "kc-group-partitions");
  for (const p of state.partitions) {
    const colour = p.owner ? colours.get(p.owner) : null;
    const node = chip(state, [p.topic, p.partition], colour, single, "kc-group-partition");
    Object.assign(node.dataset, {
      topic: p.topic,
      partition: String(p.partition),
      owner: p.owner || "",
    });
    box.append(node);
  }
  return box;
}

function drawMembers(state, single) {
  const box = make("div", "kc-members");
  for (const m of state.members) {
    const row = make("div", "kc-member");
    row.dataset.memberId = m.m;
    row.dataset.clientId = m.client;
    if (m.instance !== null) row.dataset.instanceId = m.instance;
    Object.assign(row.dataset, {
      partitions: m.owned.map(tpText).join(" "),
      idle: String(!m.owned.length),
      leader: String(m.leader),
      crashed: String(m.crashed),
    });
    const swatch = make("span", "kc-swatch");
    swatch.style.setProperty("--kc-member", colourCss(state, m.colour));
    row.append(swatch, make("b", "kc-client", m.client), make("span", "kc-member-id", ` ${m.m} `));
    if (m.leader) row.append(make("span", "kc-badge", "leader"));
    if (m.instance !== null) row.append(make("span", "kc-badge", `static ${m.instance}`));
    for (const flag of ["crashed", "closed"]) {
      if (m[flag]) row.append(make("span", `kc-badge kc-${flag}`, flag));
    }
    const owned = make("span", "kc-owned");
    if (m.owned.length) {
      for (const p of m.owned) owned.append(chip(state, p, m.colour, single, "kc-owned-partition"));
    } else {
      owned.append(make("span", "kc-idle", "idle"));
    }
    row.append(owned);
    box.append(row);
  }
  return box;
}

// A stop-the-world gap: the member owned partitions just before, owns none now, and
// then owns partitions again or is still waiting (same rule as is_gap in group.py).
function isGap(segs, k) {
  const [, stop, parts, mode] = segs[k];
  if (mode !== "own" || parts.length || k === 0 || !segs[k - 1][2].length) return false;
  if (k + 1 < segs.length) return segs[k + 1][3] === "own";
  return stop === null;
}

function tlRow(label, width, className) {
  const row = make("div", `kc-tl-row ${className}`);
  const track = make("span", "kc-tl-track");
  track.style.width = `${width}px`;
  row.append(make("span", "kc-tl-label", label), track);
  return [row, track];
}

function place(node, left, width) {
  node.style.left = `${left}px`;
  if (width !== undefined) node.style.width = `${width}px`;
  return node;
}

function drawTimeline(state, single) {
  const steps = state.steps;
  const box = make("div", "kc-timeline");
  if (!steps.length) return null;
  const first = steps[0].i;
  const n = steps.length;
  const width = n * STEP_PX;
  box.dataset.first = String(first);
  box.dataset.steps = String(n);
  box.append(make("div", "kc-tl-title", "rebalance timeline (one column per group event)"));

  const [states, stateTrack] = tlRow("state", width, "kc-tl-states");
  steps.forEach((s, k) => {
    const cell = place(make("span", "kc-step"), k * STEP_PX, STEP_PX - 1);
    Object.assign(cell.dataset, { i: String(s.i), t: String(s.t), state: s.state, kind: s.kind });
    cell.title = `${timeLabel(s.t)} · ${s.text}`;
    cell.style.background = STATE_COLOURS[s.state] || "#d9d9d9";
    stateTrack.append(cell);
  });
  const [times, timeTrack] = tlRow("time", width, "kc-tl-times");
  for (const k of tickSteps(steps)) {
    const tick = place(make("span", "kc-tick", timeLabel(steps[k].t)), k * STEP_PX);
    tick.dataset.t = String(steps[k].t);
    timeTrack.append(tick);
  }
  box.append(states, times);

  const end = first + n;
  for (const lane of state.lanes) {
    const [row, track] = tlRow(lane.client, width, "kc-lane");
    row.dataset.memberId = lane.m;
    row.dataset.clientId = lane.client;
    lane.segs.forEach(([start, stop, parts, mode], k) => {
      const gap = isGap(lane.segs, k);
      const left = Math.max(start, first);
      const right = stop === null ? end : Math.min(stop, end);
      if (right <= left) return;
      const empty = gap ? "revoked" : mode === "closed" ? "closed" : "—";
      const text = parts.map((p) => partLabel(p, single)).join(" ") || empty;
      const seg = place(make("span", "kc-seg", text), (left - first) * STEP_PX,
        (right - left) * STEP_PX - 2);
      Object.assign(seg.dataset, {
        from: String(start),
        to: stop === null ? "" : String(stop),
        parts: parts.map(tpText).join(" "),
        mode,
        gap: String(gap),
      });
      if (mode === "crashed" || mode === "closed") seg.classList.add("kc-seg-crashed");
      else if (parts.length) seg.style.setProperty("--kc-member", colourCss(state, lane.colour));
      else seg.classList.add(gap ? "kc-seg-gap" : "kc-seg-empty");
      seg.title = `${lane.client} owns ${parts.map(tpText).join(", ") || "nothing"}` +
        (mode === "own" ? "" : ` (${mode})`);
      track.append(seg);
    });
    for (const [at, kind] of lane.marks) {
      if (at < first) continue;
      const mark = place(make("span", "kc-mark", MARK_GLYPHS[kind] || "·"),
        (at - first) * STEP_PX + STEP_PX - 9);
      mark.dataset.step = String(at);
      mark.dataset.kind = kind;
      mark.title = kind;
      track.append(mark);
    }
    box.append(row);
  }
  box.append(make("div", "kc-tl-legend", LEGEND));
  return box;
}

function draw(state, root) {
  const h = state.header;
  const single = state.topics.length === 1;
  root.dataset.group = state.group;
  root.dataset.state = h.state;
  root.dataset.generation = String(h.generation);
  root.dataset.members = String(state.members.length);
  root.dataset.steps = String(state.steps.length);
  root.dataset.rebalance = h.rebalance;
  root.replaceChildren();
  const head = make("div", "kc-group-header");
  head.append(make("b", "kc-group-name", state.group), make("span", "kc-group-summary", summary(state)));
  root.append(head);
  if (!h.exists && !state.steps.length) {
    root.append(make("div", "kc-missing", "No consumer has joined this group yet."));
    return;
  }
  root.append(drawPartitions(state, single), drawMembers(state, single));
  const timeline = drawTimeline(state, single);
  if (timeline) {
    root.append(timeline);
    timeline.scrollLeft = timeline.scrollWidth; // the newest columns in sight
  }
}

// -------------------------------------------------------------------- lifecycle

export default () =>
  live({
    applyOp,
    render({ el }) {
      const root = make("div", "kc-group-view");
      el.append(root);
      return (state) => draw(state, root);
    },
  });
