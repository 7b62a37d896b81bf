// The front-end plumbing every live view shares: the helpers below, and `live`, the
// anywidget lifecycle that keeps a copy of the Python state in sync.
//
// Not a module on its own: engine/views/live.py (front_end) puts this file in front of a
// view's own file (partitions.js, cluster.js, group.js, offsets.js, lag.js) to make that
// widget's one ES module. The view file defines how an op changes the state and how the
// state is drawn, and ends with `export default () => live({ applyOp, render })`.
//
// Python sends the whole state once in `snapshot`, then one small `delta` per journal
// event ({seq, ops}). `initialize` keeps a copy of the state for the model and applies
// each delta to it; every view of the model redraws from that copy, at most once per
// animation frame. When a delta's seq does not follow the last one seen (a page reload,
// or deltas that arrived before the copy), the copy is stale: we ask Python for a fresh
// snapshot with {kind: "resync"}.

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
const colourCss = (state, index) =>
  index < 0 ? "transparent" : state.palette[index % state.palette.length];
const pct = (offset, scale) => `${((offset * 100) / scale).toFixed(2)}%`;

function timeLabel(ms) {
  return `${Math.floor(ms / 1000)}.${Math.floor((ms % 1000) / 100)}s`;
}

// `applyOp(state, op)` changes the copy in place for one op of a delta.
// `render({ model, el })` builds one view's elements in `el` and returns its drawing
// function, `(state) => ...`, called with the current copy whenever it changed.
function live({ applyOp, render }) {
  let state = null; // this model's copy of the Python state
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
    takeDelta(model); // the current delta may already be newer than the snapshot
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
    render({ model, el }) {
      const draw = render({ model, el });
      const redraw = () => {
        if (state) draw(state);
      };
      redraws.add(redraw);
      redraw();
      return () => redraws.delete(redraw);
    },
  };
}
