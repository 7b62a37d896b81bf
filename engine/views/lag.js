// Front end of engine.views.LagView: lag per partition and in total over simulated time.
//
// live.js (put in front of this file by engine/views/live.py) keeps the state in sync.
// The op rules mirror apply_op in engine/views/lagstate.py and svg() mirrors its
// render_svg line by line (integer coordinates only), so the browser draws the very
// same SVG as the static fallback.

const WIDTH = 640, HEIGHT = 220;
const LEFT = 44, RIGHT = 12, TOP = 10, BOTTOM = 44;
const LINE_COLOURS = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
];

const esc = (text) =>
  String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const idiv = (a, b) => Math.floor(a / b);

function applyOp(state, op) {
  if (op.op === "point") {
    state.points.push(copy(op.point));
    state.now = Math.max(state.now, op.point[0]);
  } else if (op.op === "last" && state.points.length) {
    state.points[state.points.length - 1] = copy(op.point);
    state.now = Math.max(state.now, op.point[0]);
  } else if (op.op === "now") {
    state.now = op.t;
  }
}

function niceCeiling(value) {
  let step = 1;
  for (;;) {
    for (const factor of [1, 2, 5]) if (step * factor >= value) return step * factor;
    step *= 10;
  }
}

function svg(state) {
  const { points, partitions } = state;
  const plotW = WIDTH - LEFT - RIGHT, plotH = HEIGHT - TOP - BOTTOM;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" class="kc-lag-plot" width="${WIDTH}" ` +
    `height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-size="10" font-family="sans-serif">`];
  const axis = 'stroke="currentColor" stroke-opacity="0.4"';
  parts.push(`<line x1="${LEFT}" y1="${TOP + plotH}" x2="${LEFT + plotW}" y2="${TOP + plotH}" ${axis}/>`);
  parts.push(`<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + plotH}" ${axis}/>`);
  if (!points.length) {
    parts.push(`<text x="${LEFT + 8}" y="${TOP + idiv(plotH, 2)}" fill="currentColor" ` +
      'fill-opacity="0.6">no lag measured yet</text></svg>');
    return parts.join("");
  }
  const t0 = points[0][0];
  const t1 = Math.max(state.now, points[points.length - 1][0]);
  const span = Math.max(t1 - t0, 1);
  const values = [];
  for (const p of points) {
    if (p[1] !== null) values.push(p[1]);
  }
  for (const p of points) for (const v of p[2]) if (v !== null) values.push(v);
  const ymax = niceCeiling(Math.max(1, ...values));
  const x = (t) => LEFT + idiv((t - t0) * plotW * 2 + span, 2 * span);
  const y = (v) => TOP + plotH - idiv(v * plotH * 2 + ymax, 2 * ymax);
  const path = (series) => {
    const d = [];
    let drawing = false;
    series.forEach((value, k) => {
      if (value === null) {
        if (drawing) d.push(`H${x(points[k][0])}`);
        drawing = false;
        return;
      }
      if (drawing) d.push(`H${x(points[k][0])}V${y(value)}`);
      else {
        d.push(`M${x(points[k][0])} ${y(value)}`);
        drawing = true;
      }
    });
    if (drawing) d.push(`H${x(t1)}`);
    return d.join("");
  };
  parts.push(`<text x="${LEFT - 4}" y="${TOP + 4}" text-anchor="end" fill="currentColor">${ymax}</text>`);
  parts.push(`<text x="${LEFT - 4}" y="${TOP + plotH}" text-anchor="end" fill="currentColor">0</text>`);
  parts.push(`<text x="${LEFT}" y="${TOP + plotH + 14}" fill="currentColor">${timeLabel(t0)}</text>`);
  parts.push(`<text x="${LEFT + plotW}" y="${TOP + plotH + 14}" text-anchor="end" ` +
    `fill="currentColor">${timeLabel(t1)}</text>`);
  partitions.forEach(([topic, partition], k) => {
    const colour = LINE_COLOURS[k % LINE_COLOURS.length];
    const d = path(points.map((p) => (k < p[2].length ? p[2][k] : null)));
    if (d) {
      parts.push(`<path class="kc-lag-line" data-topic="${esc(topic)}" data-partition="${partition}" ` +
        `d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
    }
  });
  const total = path(points.map((p) => p[1]));
  if (total) {
    parts.push(`<path class="kc-lag-total" d="${total}" fill="none" stroke="currentColor" ` +
      'stroke-width="2.5"/>');
  }
  const legendY = HEIGHT - 8;
  parts.push(`<text x="${LEFT}" y="${legendY}" fill="currentColor" font-weight="bold">total</text>`);
  partitions.slice(0, 8).forEach(([topic, partition], k) => {
    const colour = LINE_COLOURS[k % LINE_COLOURS.length];
    parts.push(`<text x="${LEFT + 40 + k * 70}" y="${legendY}" fill="${colour}">` +
      `${esc(topic)}-${partition}</text>`);
  });
  if (partitions.length > 8) {
    parts.push(`<text x="${LEFT + 40 + 8 * 70}" y="${legendY}" fill="currentColor">` +
      `+${partitions.length - 8}</text>`);
  }
  parts.push("</svg>");
  return parts.join("");
}

function draw(state, root) {
  const points = state.points;
  const total = points.length ? points[points.length - 1][1] : null;
  root.dataset.group = state.group;
  root.dataset.points = String(points.length);
  root.dataset.totalLag = total === null ? "-" : String(total);
  root.replaceChildren();
  const head = document.createElement("div");
  head.className = "kc-lag-header";
  const name = document.createElement("b");
  name.textContent = state.group;
  const rest = document.createElement("span");
  rest.style.color = "var(--jp-ui-font-color2, #59636e)";
  rest.textContent = ` · lag over time · total lag ${total === null ? "-" : total}`;
  head.append(name, rest);
  const plot = document.createElement("div");
  plot.className = "kc-lag-svg";
  plot.innerHTML = svg(state);
  root.append(head, plot);
}

export default () =>
  live({
    applyOp,
    render({ el }) {
      const root = make("div", "kc-lag-view");
      root.style.fontSize = "13px";
      root.style.color = "var(--jp-ui-font-color1, #1f2328)";
      el.append(root);
      return (state) => draw(state, root);
    },
  });
