// duban: the little script the pages need, nothing loaded from a network.
// Links and buttons with data-confirm ask first; forms with data-autosubmit submit when a field changes;
// on the review page, text selected in the source fills the form that adds a task; while an upload is
// read, the upload page shows how many pages of a scan OCR has read.
document.addEventListener("click", (e) => {
  const el = e.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) e.preventDefault();
});
document.addEventListener("change", (e) => {
  const form = e.target.closest("form[data-autosubmit]");
  if (form) form.requestSubmit();
});
// The review page: text selected in the source fills the "add a task" form.
document.addEventListener("mouseup", () => {
  const source = document.getElementById("source"), field = document.getElementById("add-text");
  const sel = window.getSelection();
  if (!source || !field || !sel || sel.isCollapsed || !source.contains(sel.anchorNode)) return;
  field.value = sel.toString().trim();
  document.getElementById("tools").open = true;
});
// The upload page: the form carries a ticket under which the server tells how far OCR got.
document.addEventListener("submit", (e) => {
  const form = e.target, status = document.getElementById("upload-progress");
  if (form.id !== "upload-form" || !status) return;
  const ticket = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  form.elements.ticket.value = ticket;
  status.hidden = false;
  const bar = status.querySelector("progress"), words = status.querySelector("span");
  setInterval(async () => {
    const r = await fetch(`/api/documents/upload-progress/${ticket}`);
    if (!r.ok) return;
    const { done, total } = await r.json();
    if (total) { bar.max = total; bar.value = done; words.textContent = `已识别 ${done} / ${total} 页`; }
  }, 1000);
});
