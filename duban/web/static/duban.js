// duban: the little script the pages need, nothing loaded from a network.
// Links and buttons with data-confirm ask first; forms with data-autosubmit submit when a field changes;
// on the review page, text selected in the source fills the form that adds a task; while an upload is
// read, the upload page shows how many pages of a scan OCR has read.
// ROOT: the path prefix duban is served under ("" or "/duban"; web/prefix.py roots <html data-root>)
const ROOT = (document.documentElement.dataset.root || "/").slice(0, -1);
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
    const r = await fetch(`${ROOT}/api/documents/upload-progress/${ticket}`);
    if (!r.ok) return;
    const { done, total } = await r.json();
    if (total) { bar.max = total; bar.value = done; words.textContent = `已识别 ${done} / ${total} 页`; }
  }, 1000);
});
// --- 催办 and 延期 (issue 19): a 复制 button copies its notice; a 全选 box ticks the boxes of its form ---
// navigator.clipboard exists only on https or localhost: an office's intranet address is often plain http,
// so the text is selected and copied the old way, and if even that is refused, left selected for Ctrl+C.
document.addEventListener("click", async (e) => {
  const button = e.target.closest("button[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  const state = button.parentElement.querySelector(".copy-state");
  const say = (words) => { if (state) state.textContent = words; };
  try {
    await navigator.clipboard.writeText(field.value);
    say("已复制，可粘贴到企业微信或短信");
  } catch {
    field.focus();
    field.select();
    let copied = false;
    try { copied = document.execCommand("copy"); } catch { copied = false; }
    say(copied ? "已复制，可粘贴到企业微信或短信" : "已选中，请按 Ctrl+C 复制");
  }
});
document.addEventListener("change", (e) => {
  const all = e.target.closest("input[data-check-all]");
  if (!all) return;
  document.querySelectorAll(`input[type=checkbox][form="${all.dataset.checkAll}"][name=ids]`)
    .forEach((box) => { box.checked = all.checked; });
});
// A refused form: the server sends the browser back to the page the form was on with ?err=reason.
// What was typed is kept here when a form is sent, and put back into the same form with the reason on it.
const KEPT = "duban-form";
document.addEventListener("submit", (e) => {
  const form = e.target;
  if (form.method !== "post") return;
  const fields = {};
  for (const el of form.elements) {
    if (!el.name || el.name === "csrf" || ["password", "file", "hidden"].includes(el.type)) continue;
    if ((el.type === "checkbox" || el.type === "radio") && !el.checked) continue;
    (fields[el.name] ||= []).push(el.value);
  }
  sessionStorage.setItem(KEPT, JSON.stringify({ page: location.pathname, action: form.getAttribute("action"), fields }));
});
document.addEventListener("DOMContentLoaded", () => {
  const refused = document.getElementById("refused"), kept = JSON.parse(sessionStorage.getItem(KEPT) || "null");
  sessionStorage.removeItem(KEPT);
  if (!refused || !kept || kept.page !== location.pathname) return;
  const form = Array.from(document.querySelectorAll("form[method=post]")).find((f) => f.getAttribute("action") === kept.action);
  if (!form) return;
  for (const [name, values] of Object.entries(kept.fields)) {
    const els = Array.from(form.elements).filter((el) => el.name === name);
    els.forEach((el, i) => {
      if (el.type === "checkbox" || el.type === "radio") el.checked = values.includes(el.value);
      else if (el.multiple) Array.from(el.options).forEach((o) => { o.selected = values.includes(o.value); });
      else if (i < values.length) el.value = values[i];
    });
  }
  form.prepend(refused);
  for (let d = form.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
  refused.scrollIntoView({ block: "center" });
});
// The error page's "back" link: the browser's own back keeps what was typed in the form.
document.addEventListener("click", (e) => {
  if (e.target.closest("[data-back]") && history.length > 1) { e.preventDefault(); history.back(); }
});
// --- 单位选择器 (issue 19, accounts): a select[data-picker] with many units becomes a search box; what is
// typed filters the units, a click (or Enter) adds one, the chosen ones are listed with a 移除 button. The
// select stays in the form, hidden, and is what is sent: without this script it is the plain multi-select.
(() => {
  const SHOWN = 12; // matches listed at once: a few keystrokes narrow 181 units to these
  function enhance(select) {
    const box = document.createElement("div"), search = document.createElement("input");
    const matches = document.createElement("ul"), chosen = document.createElement("ul");
    box.className = "picker";
    search.type = "search";
    search.placeholder = select.dataset.picker || "输入名称的一部分查找";
    search.setAttribute("aria-label", "查找单位");
    search.autocomplete = "off";
    matches.className = "picker-matches";
    matches.setAttribute("aria-label", "符合的单位");
    chosen.className = "picker-chosen";
    chosen.setAttribute("aria-label", "已选单位");
    const options = Array.from(select.options);
    const button = (text, label, act) => {
      const b = document.createElement("button");
      b.type = "button"; b.textContent = text; b.className = "secondary";
      if (label) b.setAttribute("aria-label", label);
      b.addEventListener("click", act);
      return b;
    };
    const showChosen = () => {
      chosen.replaceChildren(...options.filter((o) => o.selected).map((o) => {
        const li = document.createElement("li");
        li.append(o.text, " ", button("移除", `移除 ${o.text}`, () => { o.selected = false; showChosen(); showMatches(); }));
        return li;
      }));
    };
    const choose = (o) => { o.selected = true; search.value = ""; showChosen(); showMatches(); search.focus(); };
    const showMatches = () => {
      const words = search.value.trim();
      const found = words ? options.filter((o) => !o.selected && o.text.includes(words)) : [];
      matches.replaceChildren(...found.slice(0, SHOWN).map((o) => {
        const li = document.createElement("li");
        li.append(button(o.text, `选择 ${o.text}`, () => choose(o)));
        return li;
      }));
      if (words && !found.length) matches.replaceChildren(Object.assign(document.createElement("li"), { textContent: "没有符合的单位" }));
      else if (found.length > SHOWN) matches.append(Object.assign(document.createElement("li"), { textContent: `还有 ${found.length - SHOWN} 个，请多输入几个字` }));
    };
    search.addEventListener("input", showMatches);
    search.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      e.preventDefault(); // Enter picks the first match instead of sending the form
      const first = options.find((o) => !o.selected && search.value.trim() && o.text.includes(search.value.trim()));
      if (first) choose(first);
    });
    select.hidden = true;
    box.append(search, matches, chosen);
    select.after(box);
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    if (label) { search.id = `${select.id}-search`; label.htmlFor = search.id; }
    showChosen();
  }
  document.querySelectorAll("select[multiple][data-picker]").forEach(enhance);
})();
// --- issue 19, the ledger page 台账: its 打印 button (data-print) prints the page; duban.css has the paper layout.
document.addEventListener("click", (e) => {
  if (e.target.closest("[data-print]")) window.print();
});
// --- 文件 and 复核 (issue 19, documents) ---
// The upload form: a file over the limit is refused here, before it is sent (past the request limit the
// server could only answer with an error page), in the words the server uses for the others it refuses.
// Capture phase: runs before the progress listener above, which it stops.
document.addEventListener("submit", (e) => {
  const form = e.target, shown = document.getElementById("upload-refused");
  if (form.id !== "upload-form" || !shown) return;
  const input = form.elements.file, file = input.files[0], most = Number(input.dataset.maxMb);
  if (!file || !most || file.size <= most * 1024 * 1024) return;
  e.preventDefault();
  e.stopImmediatePropagation();
  shown.textContent = `未能上传「${file.name}」：文件超过 ${most} MB，请压缩图片或拆分后再上传。请检查文件后重新选择。`;
  shown.hidden = false;
}, true);
document.addEventListener("change", (e) => {
  const shown = document.getElementById("upload-refused");
  if (e.target.id === "upload-file" && shown) shown.hidden = true; // another file chosen: the old reason is moot
});
// The review page: 保存本项 saves that item alone, in place (the JSON twin of the form's action), so what
// is typed in other items stays and the page does not move; the item is then redrawn as the server reads
// it now. An item with unsaved changes says so, and leaving the page (a link, 拆分, 确认存入台账 …) while
// one has them asks first, naming the items. Without this script the form posts and the server sends the
// browser back to the item (#task-N-heading), where the message is moved to.
(() => {
  const ITEM = "form.task-form";
  if (!document.querySelector(ITEM)) return;
  const GLOSS = /\s*[(（][^()（）\u3400-\u9fff]*[A-Za-z]{2}[^()（）\u3400-\u9fff]*[)）]/g; // "(not a date)": for scripts
  const changed = (form) => Array.from(form.elements).some((el) => {
    if (!el.name || el.type === "hidden") return false;
    if (el.tagName === "SELECT") return Array.from(el.options).some((o) => o.selected !== o.defaultSelected);
    return el.value !== el.defaultValue;
  });
  const unsaved = (except) => Array.from(document.querySelectorAll(ITEM)).filter((f) => f !== except && changed(f));
  const mark = (form) => {
    const note = form.closest("article").querySelector(".unsaved");
    if (note) note.hidden = !changed(form);
  };
  for (const type of ["input", "change"]) {
    document.addEventListener(type, (e) => {
      const form = e.target.closest && e.target.closest(ITEM);
      if (form) mark(form);
    });
  }
  let leaving = false;
  window.addEventListener("beforeunload", (e) => {
    if (leaving || !unsaved().length) return;
    e.preventDefault();
    e.returnValue = "";
  });
  const say = (form, words, failed) => {
    const state = form.querySelector(".save-state");
    state.textContent = words;
    state.classList.toggle("failed", Boolean(failed));
  };
  const redraw = (form, fresh) => {
    const item = fresh.getElementById(form.id), log = fresh.getElementById("corrections");
    const here = document.getElementById("corrections");
    if (log && here) log.open = here.open;
    if (log) (here ? here.replaceWith(document.adoptNode(log)) : document.querySelector(".review").after(document.adoptNode(log)));
    if (!item) return form;
    const article = document.adoptNode(item.closest("article"));
    form.closest("article").replaceWith(article);
    return article.querySelector(ITEM);
  };
  async function save(form) {
    const button = form.querySelector(".save button");
    button.disabled = true;
    say(form, "正在保存……");
    try {
      const sent = await fetch(`${ROOT}/api${form.getAttribute("action").slice(ROOT.length)}`, { method: "POST", body: new FormData(form) });
      const answer = await sent.json();
      if (!answer.ok) {
        say(form, `未保存：${String(answer.error || "").replace(GLOSS, "")}`, true);
        return;
      }
      const page = await fetch(location.pathname);
      const saved = redraw(form, new DOMParser().parseFromString(await page.text(), "text/html"));
      say(saved, answer.message);
    } catch {
      say(form, "未保存：网络中断或服务器没有响应，请稍后再试", true);
    } finally {
      button.disabled = false;
    }
  }
  const saving = new Set(); // saves under way: 确认存入台账 clicked meanwhile waits for them, then goes
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (form.matches(ITEM)) {
      e.preventDefault();
      const done = save(form);
      saving.add(done);
      done.finally(() => saving.delete(done));
      return;
    }
    if (saving.size) {
      e.preventDefault();
      const by = e.submitter;
      Promise.allSettled(Array.from(saving)).then(() => form.requestSubmit(by || undefined));
      return;
    }
    const left = unsaved();
    if (left.length && !window.confirm(`${left.map((f) => f.dataset.item).join("、")}有未保存的更正，继续将丢失这些更正。确定继续吗？`)) {
      e.preventDefault();
      return;
    }
    leaving = true;
  });
  const anchored = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  const flash = document.querySelector("main > .flash[role=status]");
  if (anchored && anchored.closest("article") && flash) {
    anchored.after(flash);
    anchored.scrollIntoView();
  }
})();
