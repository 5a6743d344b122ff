$("#model").textContent = `${CONFIG.task} · ${CONFIG.arch} · ${CONFIG.labels.length} classes: ${CONFIG.labels.join(", ")}`;
if (CONFIG.results) $("#results-link").hidden = false;
$(CONFIG.task === "detect" ? "#opt-score" : "#opt-topk").hidden = false;
$("#score").value = CONFIG.score_threshold;
function status(msg, err) { const s = $("#status"); s.textContent = msg; s.className = err ? "error" : "muted"; }
let current = null;                       // the image shown: changing top k / min score re-runs on it
function clearResult() {
  const cv = $("#canvas"); cv.width = 0; cv.height = 0;
  $("#result").innerHTML = ""; $("#json").textContent = "";
}
async function run(file) {
  if (!file) return;
  current = file;
  document.body.dataset.state = "busy"; status(`predicting ${file.name} …`);
  const q = new URLSearchParams();
  if (CONFIG.task === "detect") q.set("score_threshold", $("#score").value); else q.set("top_k", $("#topk").value);
  const fd = new FormData(); fd.append("file", file, file.name);
  const t0 = performance.now(); let rec;
  try {
    const r = await fetch("predict?" + q, {method: "POST", body: fd});
    rec = await r.json();
    if (!r.ok) throw new Error(rec.error || `HTTP ${r.status}`);
  } catch (e) {
    current = null; clearResult();
    status(e.message, true); $("#result").innerHTML = `<p class="error">${esc(e.message)}</p>`;
    document.body.dataset.state = "error"; return;
  }
  const ms = Math.round(performance.now() - t0);
  $("#result").innerHTML = summaryHTML(rec, CONFIG.labels);
  $("#json").textContent = JSON.stringify(rec, null, 2);
  const img = new Image(), url = URL.createObjectURL(file);
  try { img.src = url; await img.decode(); drawRecord($("#canvas"), img, rec, CONFIG.labels, 640); status(`${file.name}: ${ms} ms`); }
  catch (e) { status(`${file.name}: ${ms} ms (this browser cannot show the image itself)`); }
  finally { URL.revokeObjectURL(url); }
  document.body.dataset.state = "done";
}
$("#file").addEventListener("change", e => { if (e.target.files[0]) run(e.target.files[0]); });
for (const id of ["#topk", "#score"]) $(id).addEventListener("change", () => { if (current) run(current); });
const drop = $("#drop");
drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", e => { e.preventDefault(); drop.classList.remove("over"); if (e.dataTransfer.files[0]) run(e.dataTransfer.files[0]); });
