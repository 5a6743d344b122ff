let offset = 0, filter = "", labels = [];
async function getJSON(u) { const r = await fetch(u); const j = await r.json(); if (!r.ok) throw new Error(j.error || `HTTP ${r.status}`); return j; }
function caption(rec) {
  if (rec.error) return `<span class="error">${esc(rec.error)}</span>`;
  if (rec.detections) return Object.entries(rec.counts || {}).filter(([l, c]) => c > 0)
    .map(([l, c]) => `<span class="sw" style="background:${colour(l, labels)}"></span>${esc(l)} ${c}`).join(" &nbsp;") || "no objects";
  return `<b>${esc(rec.label)}</b> ${(100 * rec.probability).toFixed(1)}%`;
}
async function load() {
  document.body.dataset.state = "loading";
  const q = new URLSearchParams({offset: offset, limit: CONFIG.page_size}); if (filter) q.set("label", filter);
  const page = await getJSON("results/records?" + q);
  const grid = $("#grid"); grid.innerHTML = "";
  $("#range").textContent = page.total ? `${offset + 1}–${offset + page.records.length} of ${page.total}` : "no images";
  $("#prev").disabled = offset === 0; $("#next").disabled = offset + page.records.length >= page.total;
  const waits = page.records.map(rec => new Promise(done => {
    const fig = document.createElement("figure"); fig.className = "card"; fig.dataset.index = rec.index;
    fig.innerHTML = `<canvas width="0" height="0"></canvas><figcaption><div class="muted">${esc(rec.image)}</div>${caption(rec)}</figcaption>`;
    grid.appendChild(fig);
    const img = new Image();
    img.onload = () => { drawRecord(fig.querySelector("canvas"), img, rec, labels, 320); fig.dataset.drawn = "1"; done(); };
    img.onerror = () => { fig.querySelector("figcaption").insertAdjacentHTML("beforeend", `<div class="error">image not found</div>`); done(); };
    img.src = `results/image/${rec.index}?max_side=640`;
  }));
  await Promise.all(waits);
  document.body.dataset.state = "done";
}
async function init() {
  const s = await getJSON("results/summary");
  labels = s.labels;
  $("#file").textContent = s.file;
  if (CONFIG.model) $("#predict-link").hidden = false;
  const what = s.task === "detect" ? "objects" : "images";
  const rows = Object.entries(s.counts).map(([l, c]) =>
    `<tr><td><span class="sw" style="background:${colour(l, labels)}"></span>${esc(l)}</td><td class="num">${c}</td></tr>`).join("");
  $("#summary").innerHTML = `<p><b id="n-images">${s.images}</b> images, ${s.errors} unreadable · ${esc(s.task)}</p>` +
    `<table class="counts"><tr><th>class</th><th class="num">${what}</th></tr>${rows}</table>`;
  for (const l of s.labels) $("#filter").insertAdjacentHTML("beforeend", `<option value="${esc(l)}">with ${esc(l)}</option>`);
  if (s.errors) $("#filter").insertAdjacentHTML("beforeend", `<option value="error">unreadable</option>`);
  $("#filter").onchange = e => { filter = e.target.value; offset = 0; load(); };
  $("#prev").onclick = () => { offset = Math.max(0, offset - CONFIG.page_size); load(); };
  $("#next").onclick = () => { offset += CONFIG.page_size; load(); };
  await load();
}
init().catch(e => { $("#summary").innerHTML = `<p class="error">${esc(e.message)}</p>`; document.body.dataset.state = "error"; });
