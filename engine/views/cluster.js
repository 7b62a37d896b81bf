// Front end of engine.views.ClusterView: brokers, and each partition's replicas against
// its high watermark, with buttons that kill, shut down and restart brokers, let simulated
// time pass and produce with a chosen acks.
//
// live.js (put in front of this file by engine/views/live.py) keeps the state in sync
// from `snapshot` and one `delta` ({seq, ops}) per change; the op rules
// mirror apply_op in engine/views/clusterstate.py and the drawing mirrors render_html in
// engine/views/cluster.py (same elements, same text). Buttons send messages such as
// {kind: "kill", broker: 2}; Python acts and the journal brings the result back.

const TOP_LEVEL = ["now_ms", "controller", "brokers", "message"];

function applyOp(state, op) {
  if (op.op === "set" && TOP_LEVEL.includes(op.key)) {
    state[op.key] = copy(op.value);
  } else if (op.op === "row" && op.i >= 0 && op.i < state.rows.length) {
    state.rows[op.i] = copy(op.row);
  }
}

function headerText(state) {
  const active = state.controller === null ? "no active controller" : `controller ${state.controller}`;
  const up = state.brokers.filter((b) => b.status !== "down").length;
  return ` · ${active} · ${up} of ${plural(state.brokers.length, "broker")} running · ` +
    `${plural(state.rows.length, "partition")} · t = ${timeLabel(state.now_ms)}`;
}

const isrOf = (row) => row.replicas.filter((r) => r.in_isr).map((r) => r.broker);

function rowText(row) {
  const leader = row.leader === null ? "none" : row.leader;
  const isr = isrOf(row).join(",") || "-";
  return `leader ${leader} · ISR ${isr} · HW ${row.hw} · min.insync ${row.min_isr}`;
}

function button(label, className, onClick, disabled) {
  const node = make("button", `kc-button ${className}`, label);
  node.type = "button";
  node.disabled = Boolean(disabled);
  node.addEventListener("click", onClick);
  return node;
}

function drawBroker(broker, send) {
  const node = make("span", `kc-broker kc-broker-${broker.status}`);
  Object.assign(node.dataset, {
    broker: String(broker.id),
    status: broker.status,
    leads: String(broker.leads),
  });
  const running = broker.status !== "down";
  node.append(
    make("b", "", `broker ${broker.id}`),
    make("span", "kc-broker-status", broker.status),
    make("span", "kc-broker-leads", `leads ${broker.leads}`),
    button("kill", "kc-kill", () => send({ kind: "kill", broker: broker.id }), !running),
    button("shut down", "kc-shutdown", () => send({ kind: "shutdown", broker: broker.id }), !running),
    button("restart", "kc-restart", () => send({ kind: "restart", broker: broker.id }), running),
  );
  return node;
}

function drawReplica(replica, hw, scale) {
  let classes = "kc-replica";
  if (replica.leader) classes += " kc-leader";
  classes += replica.in_isr ? " kc-in-isr" : " kc-out-of-isr";
  if (!replica.running) classes += " kc-replica-down";
  const node = make("span", classes);
  Object.assign(node.dataset, {
    broker: String(replica.broker),
    leo: String(replica.leo),
    inIsr: String(replica.in_isr),
    leader: String(replica.leader),
  });
  node.title = `broker ${replica.broker}: log end offset ${replica.leo}`;
  const bar = make("span", "kc-replica-bar");
  const fill = make("span", "kc-replica-fill");
  fill.style.width = pct(replica.leo, scale);
  const mark = make("span", "kc-hw-mark");
  mark.style.left = pct(hw, scale);
  bar.append(fill, mark);
  node.append(
    make("span", "kc-replica-name", `b${replica.broker}${replica.leader ? " ★" : ""}`),
    bar,
    make("span", "kc-replica-leo", `LEO ${replica.leo}`),
  );
  return node;
}

function drawRow(row, send, acks) {
  const node = make("div", "kc-cluster-row");
  Object.assign(node.dataset, {
    topic: row.topic,
    partition: String(row.partition),
    leader: row.leader === null ? "none" : String(row.leader),
    isr: isrOf(row).join(","),
    hw: String(row.hw),
    health: row.health,
  });
  const scale = Math.max(1, row.hw, ...row.replicas.map((r) => r.leo));
  const label = make("span", "kc-row-label");
  const name = make("b", "kc-partition-name", `${row.topic}-${row.partition}`);
  name.append(make("span", `kc-health kc-health-${row.health}`, row.health));
  label.append(name, make("span", "kc-row-text", rowText(row)));
  const replicas = make("span", "kc-replicas");
  for (const replica of row.replicas) replicas.append(drawReplica(replica, row.hw, scale));
  const produce = button("produce", "kc-produce", () =>
    send({ kind: "produce", topic: row.topic, partition: row.partition, acks: acks() }));
  node.append(label, replicas, produce);
  return node;
}

function draw(state, root, send, controls) {
  Object.assign(root.dataset, {
    controller: state.controller === null ? "none" : String(state.controller),
    brokers: String(state.brokers.length),
    partitions: String(state.rows.length),
  });
  root.replaceChildren();
  const head = make("div", "kc-cluster-header");
  head.append(make("b", "", "Cluster"), make("span", "kc-cluster-summary", headerText(state)));
  const brokers = make("div", "kc-brokers");
  for (const broker of state.brokers) brokers.append(drawBroker(broker, send));
  root.append(head, brokers, controls.node);
  if (state.message) root.append(make("div", "kc-message", state.message));
  if (!state.rows.length) {
    root.append(make("div", "kc-missing", "No topics yet."));
    return;
  }
  for (const row of state.rows) root.append(drawRow(row, send, controls.acks));
}

function makeControls(send) {
  const node = make("div", "kc-controls");
  const select = make("select", "kc-acks");
  for (const value of ["all", "1", "0"]) {
    const option = make("option", "", value);
    option.value = value;
    select.append(option);
  }
  const acksLabel = make("label", "kc-acks-label", "acks ");
  acksLabel.append(select);
  node.append(
    button("+1 s", "kc-advance", () => send({ kind: "advance", ms: 1000 })),
    button("+10 s", "kc-advance", () => send({ kind: "advance", ms: 10000 })),
    acksLabel,
  );
  return { node, acks: () => select.value };
}

export default () =>
  live({
    applyOp,
    render({ model, el }) {
      const root = make("div", "kc-cluster-view");
      el.append(root);
      const send = (message) => model.send(message);
      const controls = makeControls(send);
      return (state) => draw(state, root, send, controls);
    },
  });
