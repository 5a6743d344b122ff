const PALETTE = ["#e03131","#1c7ed6","#f59f00","#2f9e44","#ae3ec9","#f76707","#0c8599","#66a80f","#d6336c","#4263eb"];
const $ = s => document.querySelector(s);
function esc(s) { return String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]); }
function colour(label, labels) {
  let i = labels.indexOf(label);
  if (i < 0) { i = 0; for (const ch of String(label)) i = (i * 31 + ch.charCodeAt(0)) >>> 0; }
  return PALETTE[i % PALETTE.length];
}
function drawRecord(canvas, img, rec, labels, side) {
  const w = img.naturalWidth, h = img.naturalHeight, s = side / Math.max(w, h);
  canvas.width = Math.max(1, Math.round(w * s)); canvas.height = Math.max(1, Math.round(h * s));
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = s < 1;
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  if (!rec || !rec.detections) return 0;
  const k = canvas.width / (rec.width || w), fs = Math.max(11, Math.round(canvas.width / 48));
  ctx.lineWidth = Math.max(2, canvas.width / 320); ctx.font = fs + "px system-ui, sans-serif"; ctx.textBaseline = "top";
  for (const d of rec.detections) {
    const [x0, y0, x1, y1] = d.box.map(v => v * k), c = colour(d.label, labels);
    ctx.strokeStyle = c; ctx.strokeRect(x0, y0, x1 - x0, y1 - y0);
    const t = d.label + " " + d.score.toFixed(2), tw = ctx.measureText(t).width + 6, th = fs + 4, ty = y0 - th >= 0 ? y0 - th : y0;
    ctx.fillStyle = c; ctx.fillRect(x0, ty, tw, th); ctx.fillStyle = "#fff"; ctx.fillText(t, x0 + 3, ty + 2);
  }
  return rec.detections.length;
}
function summaryHTML(rec, labels) {
  if (rec.error) return `<p class="error">${esc(rec.error)}</p>`;
  if (rec.detections) {
    const n = rec.detections.length;
    const rows = Object.entries(rec.counts || {}).map(([l, c]) =>
      `<tr data-label="${esc(l)}"><td><span class="sw" style="background:${colour(l, labels)}"></span>${esc(l)}</td><td class="num">${c}</td></tr>`).join("");
    const sl = rec.sliced ? `<p class="muted">predicted tile by tile: ${rec.sliced.tiles} tiles of ${rec.sliced.tile} px</p>` : "";
    return `<p><b class="total">${n}</b> object${n == 1 ? "" : "s"} in ${rec.width}×${rec.height} px</p>` +
           `<table class="counts"><tr><th>class</th><th class="num">count</th></tr>${rows}</table>${sl}`;
  }
  const bars = (rec.top_k || []).map(([l, p]) => `<div class="bar"><span>${esc(l)}</span><span class="track">` +
    `<span class="fill" style="width:${(100 * p).toFixed(1)}%"></span></span><span class="num">${(100 * p).toFixed(1)}%</span></div>`).join("");
  return `<div class="label">${esc(rec.label)}</div><p class="muted">probability ${(100 * rec.probability).toFixed(1)}%</p>${bars}`;
}
