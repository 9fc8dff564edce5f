// Axes for the line charts: "nice" tick values, a plot rectangle, grid lines, tick labels and axis
// titles. Charts (curves.js) map data to pixels through the returned scale functions.

/** About `count` round tick values covering [min, max] (steps of 1, 2 or 5 times a power of ten). */
export function niceTicks(min, max, count = 5) {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
  }
  return ticks;
}

/**
 * Draw axes into a context sized width x height (CSS px) and return the scales.
 * options: {xMin, xMax, yMin, yMax, xLabel, yLabel, formatY, formatX, colours:{axis, grid, text}}
 */
export function drawAxes(context, width, height, options) {
  const margin = { left: 56, right: 14, top: 12, bottom: 40 };
  const plot = {
    left: margin.left,
    top: margin.top,
    width: Math.max(10, width - margin.left - margin.right),
    height: Math.max(10, height - margin.top - margin.bottom),
  };
  const { xMin, xMax, yMin, yMax, colours } = options;
  const x = (v) => plot.left + ((v - xMin) / (xMax - xMin || 1)) * plot.width;
  const y = (v) => plot.top + plot.height - ((v - yMin) / (yMax - yMin || 1)) * plot.height;
  const formatX = options.formatX ?? String;
  const formatY = options.formatY ?? String;

  context.font = '13px system-ui, sans-serif';
  context.lineWidth = 1;
  context.fillStyle = colours.text;

  context.textAlign = 'right';
  context.textBaseline = 'middle';
  for (const tick of niceTicks(yMin, yMax, Math.max(2, Math.floor(plot.height / 40)))) {
    context.strokeStyle = colours.grid;
    line(context, plot.left, y(tick), plot.left + plot.width, y(tick));
    context.fillText(formatY(tick), plot.left - 6, y(tick));
  }
  context.textAlign = 'center';
  context.textBaseline = 'top';
  const xTicks = niceTicks(xMin, xMax, Math.max(2, Math.floor(plot.width / 70))).filter((t) => Number.isInteger(t * 100));
  for (const tick of xTicks) {
    context.strokeStyle = colours.grid;
    line(context, x(tick), plot.top, x(tick), plot.top + plot.height);
    context.fillText(formatX(tick), x(tick), plot.top + plot.height + 5);
  }
  context.strokeStyle = colours.axis;
  line(context, plot.left, plot.top, plot.left, plot.top + plot.height);
  line(context, plot.left, plot.top + plot.height, plot.left + plot.width, plot.top + plot.height);

  context.fillText(options.xLabel, plot.left + plot.width / 2, plot.top + plot.height + 22);
  context.save();
  context.translate(14, plot.top + plot.height / 2);
  context.rotate(-Math.PI / 2);
  context.textBaseline = 'middle';
  context.fillText(options.yLabel, 0, 0);
  context.restore();
  return { x, y, plot };
}

export function line(context, x0, y0, x1, y1) {
  context.beginPath();
  context.moveTo(Math.round(x0) + 0.5, Math.round(y0) + 0.5);
  context.lineTo(Math.round(x1) + 0.5, Math.round(y1) + 0.5);
  context.stroke();
}

/** Stroke a polyline through [{x, y}] data points with the given scales. */
export function polyline(context, points, scales) {
  if (points.length === 0) return;
  context.beginPath();
  points.forEach((p, i) => (i === 0 ? context.moveTo(scales.x(p.x), scales.y(p.y)) : context.lineTo(scales.x(p.x), scales.y(p.y))));
  context.stroke();
}

/** Filled circles at data points. */
export function dots(context, points, scales, radius = 3.5) {
  for (const p of points) {
    context.beginPath();
    context.arc(scales.x(p.x), scales.y(p.y), radius, 0, 2 * Math.PI);
    context.fill();
  }
}
