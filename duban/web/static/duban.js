// duban: the little script the pages need, nothing loaded from a network.
// Links and buttons with data-confirm ask first; forms with data-autosubmit submit when a field changes;
// on the review page, text selected in the source fills the form that adds a task.
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
