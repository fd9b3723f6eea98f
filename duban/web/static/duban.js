// duban: the little script the pages need, nothing loaded from a network.
// Links and buttons with data-confirm ask first; forms with data-autosubmit submit when a field changes.
document.addEventListener("click", (e) => {
  const el = e.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) e.preventDefault();
});
document.addEventListener("change", (e) => {
  const form = e.target.closest("form[data-autosubmit]");
  if (form) form.requestSubmit();
});
