#!/usr/bin/env node
// Draws docs/grafana/preview.png: every panel of docs/grafana/meterflow-influxql.json with the series its
// queries return (Grafana's macros expanded as in test/grafana) from an influxd the demo filled. Grafana
// itself cannot be installed here, so this shows the panels' expected look, not Grafana's rendering.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");
const { startDemo } = require("../demo/demo-lib");
const { expand } = require("../../test/grafana/grafana-queries");
const { chromiumPath, LAUNCH_ARGS } = require("../../test/helpers/chromium");

const root = path.resolve(__dirname, "..", "..");
const dashboard = JSON.parse(fs.readFileSync(path.join(root, "docs", "grafana", "meterflow-influxql.json"), "utf8"));
const COLORS = ["#73bf69", "#f2cc0c", "#5794f2", "#ff9830", "#f2495c", "#b877d9", "#8ab8ff", "#ffcb7d"];
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function alias(target, s) {
  return (target.alias || s.name).replace(/\$tag_([A-Za-z_]+)/g, (_, k) => (s.tags && s.tags[k]) || "");
}

/** One panel as an SVG: lines, steps, bars or points over time, like Grafana's time series panel. */
function svgPanel(panel, lines, w, h) {
  const pad = { l: 48, r: 10, t: 8, b: 22 };
  const all = lines.flatMap((l) => l.points);
  if (panel.type === "stat") {
    const v = all.length ? all[all.length - 1][1] : null;
    return `<svg width="${w}" height="${h}"><text x="${w / 2}" y="${h / 2 + 20}" font-size="56" fill="${COLORS[0]}" text-anchor="middle">${v === null ? "–" : v.toFixed(2)}</text></svg>`;
  }
  if (!all.length)
    return `<svg width="${w}" height="${h}"><text x="${w / 2}" y="${h / 2}" fill="#ccc" text-anchor="middle">No data</text></svg>`;
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [x0, x1] = [xs.reduce((a, b) => Math.min(a, b)), xs.reduce((a, b) => Math.max(a, b))];
  const [y0, y1] = [ys.reduce((a, b) => Math.min(a, b), 0), ys.reduce((a, b) => Math.max(a, b), 1)];
  const X = (x) => pad.l + ((x - x0) / (x1 - x0 || 1)) * (w - pad.l - pad.r);
  const Y = (y) => h - pad.b - ((y - y0) / (y1 - y0 || 1)) * (h - pad.t - pad.b);
  const style = panel.fieldConfig.defaults.custom;
  let out = `<svg width="${w}" height="${h}" font-size="10" fill="#ccc">`;
  for (let i = 0; i <= 4; i++) {
    const y = y0 + ((y1 - y0) * i) / 4;
    out += `<line x1="${pad.l}" x2="${w - pad.r}" y1="${Y(y)}" y2="${Y(y)}" stroke="#2c3235"/><text x="${pad.l - 4}" y="${Y(y) + 3}" text-anchor="end">${y.toFixed(y1 - y0 < 10 ? 2 : 0)}</text>`;
  }
  for (let i = 0; i <= 4; i++) {
    const x = x0 + ((x1 - x0) * i) / 4;
    const d = new Date(x);
    const label =
      x1 - x0 > 5 * 86400000 ? d.toISOString().slice(0, 10) : d.toISOString().slice(5, 16).replace("T", " ");
    out += `<text x="${X(x)}" y="${h - 6}" text-anchor="middle">${label}</text>`;
  }
  lines.forEach((line, i) => {
    const c = COLORS[i % COLORS.length];
    if (style.drawStyle === "bars") {
      const bw = Math.max(1, ((w - pad.l - pad.r) / Math.max(1, line.points.length)) * 0.7);
      for (const [x, y] of line.points)
        out += `<rect x="${X(x) - bw / 2}" y="${Math.min(Y(y), Y(0))}" width="${bw}" height="${Math.abs(Y(0) - Y(y))}" fill="${c}" fill-opacity="0.8"/>`;
    } else if (style.drawStyle === "points") {
      for (const [x, y] of line.points) out += `<circle cx="${X(x)}" cy="${Y(y)}" r="3" fill="${c}"/>`;
    } else {
      const step = style.lineInterpolation === "stepAfter";
      const d = line.points
        .map(([x, y], j) => {
          if (j === 0) return `M${X(x)},${Y(y)}`;
          return step ? `H${X(x)}V${Y(y)}` : `L${X(x)},${Y(y)}`;
        })
        .join("");
      out += `<path d="${d}" fill="none" stroke="${c}" stroke-width="1.5"/>`;
    }
  });
  return `${out}</svg>`;
}

(async () => {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-preview-"));
  const demo = await startDemo({ userDir, quiet: true });
  try {
    if (!demo.influx) throw new Error("influxd is not installed (apt-get install influxdb)");
    await fetch(`${demo.url}inject/mi_inject`, { method: "POST" });
    await new Promise((r) => setTimeout(r, 30000));
    // The live panels over the demo's days; the meter panels over the example's 2025 sample readings.
    const live = { from: Date.now() - 3 * 86400000, to: Date.now() + 86400000 };
    const sample = { from: Date.parse("2025-01-01T00:00:00Z"), to: Date.parse("2025-03-05T00:00:00Z") };
    let html = `<html><body style="margin:0;background:#111217;font-family:sans-serif;color:#ccccdc">
      <div style="padding:8px 12px;font-size:15px">${esc(dashboard.title)} — expected look, from the panels' own queries</div>
      <div style="position:relative;width:1400px;height:${38 * 34 + 20}px">`;
    for (const panel of dashboard.panels) {
      const range = /meter_/.test(panel.targets[0].query) ? sample : live;
      const lines = [];
      for (const t of panel.targets) {
        for (const s of await demo.influx.query(expand(t.query, range))) {
          const points = s.values.filter((v) => v[1] !== null).map((v) => [v[0], v[1]]);
          if (points.length) lines.push({ name: alias(t, s), points });
        }
      }
      const g = panel.gridPos;
      const [x, y, w, h] = [g.x * 57 + 8, g.y * 34 + 8, g.w * 57 - 8, g.h * 34 - 8];
      html += `<div style="position:absolute;left:${x}px;top:${y}px;width:${w}px;height:${h}px;background:#181b1f;border:1px solid #2c3235;border-radius:2px">
        <div style="padding:6px 8px;font-size:13px">${esc(panel.title)}</div>
        ${svgPanel(panel, lines, w - 2, h - 52)}
        <div style="padding:0 8px;font-size:11px">${lines.map((l, i) => `<span style="color:${COLORS[i % COLORS.length]}">▬</span> ${esc(l.name)}`).join(" &nbsp; ")}</div></div>`;
    }
    html += "</div></body></html>";
    const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: LAUNCH_ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 38 * 34 + 60 } });
    await page.setContent(html);
    const out = path.join(root, "docs", "grafana", "preview.png");
    await page.screenshot({ path: out, fullPage: true });
    await browser.close();
    console.log(`wrote ${out}`);
  } finally {
    await demo.stop();
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
