// The mark page: case.toml's marks, drawn by pointing. No build step, no network: plain JS
// served by `evidence mark`. The picture under the marks is the server's own render, so what
// is shown is what the PDF shows; the outlines on top only let the buyer pick and move marks.
"use strict";

// what the shapes are and which keys the page may write come from the server with the case
// (evidence_tools/shapes.py, mark/edit.py): the page keeps no copy of Python's rules
let KINDS = [], LINES = [], RECT = [], LABELLED = [], EDITABLE = [], ARITY = {};
const NS = "http://www.w3.org/2000/svg";

let state = null;      // the case as last read or saved: {digest, case, exhibits}
let saved = null;      // a deep copy of what case.toml holds, to send only what changed
let tool = "box";
let measuring = null;  // the Measure tool's ruler segment, drawn and waiting for the measure
let selected = null;   // {ex, index}
let dirty = false;     // changes not yet saved (never read back from the status text)
let language = "";     // the page's language: the buyer's pick, else the browser's
let WORDS = {};        // this language's catalogue entries for the page, from the server
const views = new Map(); // exhibit number -> {img, svg, remove}: built before they are shown

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined) node.setAttribute(k, v);
  }
  for (const kid of kids) node.append(kid);
  return node;
};
const copy = (v) => JSON.parse(JSON.stringify(v));
// a message in the page's language: the server sends the catalogue's entries for the page's
// messages (found in this file and index.html), so the page keeps no dictionary of its own
const t = (msgid, params = {}) => (WORDS[msgid] || msgid).replace(/\{(\w+)\}/g,
  (whole, name) => (name in params ? String(params[name]) : whole));
const round = (v) => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;

function status(text, kind = "") {
  const s = $("#status");
  s.textContent = text;
  s.className = kind;
}

async function api(path, body) {
  // the server says its findings and errors in the page's language
  const headers = {"X-Evidence-Lang": language};
  const init = body === undefined ? {headers} : {
    method: "POST", headers: {...headers, "Content-Type": "application/json"}, body: JSON.stringify(body)};
  const response = await fetch(path, init);
  return response;
}

// --------------------------------------------------------------------------- shapes

function kindOf(spec) {
  return KINDS.find((k) => k in spec && !(k === "label" && typeof spec[k] === "string"));
}
function coords(spec) { return spec[kindOf(spec)]; }
// "120px" coordinates are the buyer's own: shown as drawn, left as written
function inPixels(spec) {
  const n = ARITY[kindOf(spec)];
  return coords(spec).slice(0, n).some((v) => typeof v === "string");
}

function newShape(kind, x0, y0, x1, y1) {
  const text = $("#label-text").value.trim();
  const left = Math.min(x0, x1), top = Math.min(y0, y1);
  const w = Math.abs(x1 - x0), h = Math.abs(y1 - y0);
  let spec;
  if (RECT.includes(kind)) spec = {[kind]: [left, top, w, h].map(round)};
  else if (LINES.includes(kind)) spec = {[kind]: [x0, y0, x1, y1].map(round)};
  else if (kind === "marker") spec = {marker: [round(x1), round(y1)]};
  else spec = {label: [round(x1), round(y1), text || "Label"]};
  if (text && kind !== "label" && LABELLED.includes(kind)) spec.label = text;
  return spec;
}

function moved(spec, dx, dy, corner) {
  const kind = kindOf(spec), c = coords(spec).slice();
  if (corner && RECT.includes(kind)) {
    c[2] = round(Math.max(0.005, c[2] + dx)); c[3] = round(Math.max(0.005, c[3] + dy));
  } else if (corner && LINES.includes(kind)) {
    c[2] = round(c[2] + dx); c[3] = round(c[3] + dy);
  } else {
    c[0] = round(c[0] + dx); c[1] = round(c[1] + dy);
    if (LINES.includes(kind)) { c[2] = round(c[2] + dx); c[3] = round(c[3] + dy); }
    if (RECT.includes(kind)) {
      c[0] = round(Math.min(c[0], 1 - c[2])); c[1] = round(Math.min(c[1], 1 - c[3]));
    }
  }
  return {...spec, [kind]: c};
}

function textOf(spec) {
  return kindOf(spec) === "label" ? (coords(spec)[2] ?? spec.text ?? "") : (spec.label || "");
}
function withText(spec, text) {
  const kind = kindOf(spec);
  if (kind === "label") {
    const c = coords(spec).slice(0, 2);
    const rest = {...spec};
    delete rest.text;
    return {...rest, label: [...c, text || "Label"]};
  }
  const out = {...spec};
  if (text) out.label = text; else delete out.label;
  return out;
}

// typing in the toolbar's Text box changes the selected mark's text
let retext = null;
function textTyped() {
  if (!selected) return;
  const ex = state.exhibits[selected.ex - 1], spec = ex.annotate[selected.index];
  if (!LABELLED.includes(kindOf(spec))) return;
  ex.annotate[selected.index] = withText(spec, $("#label-text").value.trim());
  changed();
  clearTimeout(retext);
  retext = setTimeout(() => refreshPicture(ex), 300);
}

// where a mark can be grabbed, in fractions: [x, y, w, h]
function grabBox(spec) {
  const kind = kindOf(spec), c = coords(spec);
  if (RECT.includes(kind)) return c;
  if (LINES.includes(kind)) {
    return [Math.min(c[0], c[2]), Math.min(c[1], c[3]), Math.abs(c[2] - c[0]), Math.abs(c[3] - c[1])];
  }
  return [c[0] - 0.03, c[1] - 0.03, 0.06, 0.06];
}

// --------------------------------------------------------------------------- photos

async function refreshPicture(ex) {
  const img = views.get(ex.number).img;
  const response = await api(`api/preview/${ex.number}`, {annotate: ex.annotate || []});
  if (!response.ok) {
    status((await response.json()).error, "bad");
    return;
  }
  const old = img.src;
  img.src = URL.createObjectURL(await response.blob());
  if (old.startsWith("blob:")) URL.revokeObjectURL(old);
  drawOutlines(ex);
}

function drawOutlines(ex) {
  const svg = views.get(ex.number).svg;
  svg.replaceChildren();
  pointBoxes(ex, svg);
  (ex.annotate || []).forEach((spec, index) => {
    if (inPixels(spec)) return;
    const [x, y, w, h] = grabBox(spec);
    const isSel = selected && selected.ex === ex.number && selected.index === index;
    const r = document.createElementNS(NS, "rect");
    for (const [k, v] of Object.entries({x, y, width: Math.max(w, 0.01), height: Math.max(h, 0.01)})) {
      r.setAttribute(k, v);
    }
    r.setAttribute("class", isSel ? "grab selected" : "grab");
    r.dataset.index = index;
    svg.append(r);
    if (isSel) {
      const k = kindOf(spec), c = coords(spec);
      const hx = LINES.includes(k) ? c[2] : x + w, hy = LINES.includes(k) ? c[3] : y + h;
      if (RECT.includes(k) || LINES.includes(k)) {
        const handle = document.createElementNS(NS, "rect");
        for (const [a, v] of Object.entries({x: hx - 0.012, y: hy - 0.012, width: 0.024, height: 0.024})) {
          handle.setAttribute(a, v);
        }
        handle.setAttribute("class", "handle");
        handle.dataset.index = index;
        handle.dataset.corner = "1";
        svg.append(handle);
      }
    }
  });
  const remove = views.get(ex.number).remove;
  remove.disabled = !(selected && selected.ex === ex.number);
}

function fraction(svg, event) {
  const r = svg.getBoundingClientRect();
  return [(event.clientX - r.left) / r.width, (event.clientY - r.top) / r.height];
}

function attachDrawing(ex, svg) {
  let drag = null;
  svg.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    svg.setPointerCapture(event.pointerId);
    const [x, y] = fraction(svg, event);
    const target = event.target;
    if (target.dataset && target.dataset.index !== undefined) {
      selected = {ex: ex.number, index: Number(target.dataset.index)};
      $("#label-text").value = textOf(ex.annotate[selected.index]);
      drag = {mode: target.dataset.corner ? "corner" : "move", x, y, spec: ex.annotate[selected.index]};
      drawOutlines(ex);
      return;
    }
    selected = null;
    const line = LINES.includes(tool) && !comparing;
    const ghost = document.createElementNS(NS, line ? "line" : "rect");
    ghost.setAttribute("class", "ghost");
    svg.append(ghost);
    drag = {mode: "new", x, y, ghost, line};
    drawOutlines(ex);
    svg.append(ghost);
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const [x, y] = fraction(svg, event);
    if (drag.mode === "new") {
      const g = drag.ghost;
      if (drag.line) {
        for (const [k, v] of Object.entries({x1: drag.x, y1: drag.y, x2: x, y2: y})) g.setAttribute(k, v);
      } else {
        for (const [k, v] of Object.entries({x: Math.min(x, drag.x), y: Math.min(y, drag.y),
          width: Math.abs(x - drag.x), height: Math.abs(y - drag.y)})) g.setAttribute(k, v);
      }
    } else {
      // a click that shakes by a pixel selects; it must not move the mark
      const r = svg.getBoundingClientRect();
      const far = Math.hypot((x - drag.x) * r.width, (y - drag.y) * r.height) >= 3;
      if (!drag.moving && !far) return;
      drag.moving = true;
      ex.annotate[selected.index] = moved(drag.spec, x - drag.x, y - drag.y, drag.mode === "corner");
      drawOutlines(ex);
    }
  });
  svg.addEventListener("pointerup", (event) => {
    if (!drag) return;
    const [x, y] = fraction(svg, event);
    const d = drag;
    drag = null;
    if (d.mode === "new") {
      d.ghost.remove();
      const tiny = Math.abs(x - d.x) < 0.01 && Math.abs(y - d.y) < 0.01;
      if (tiny && ARITY[tool] !== 2) {
        status(t("Drag to draw: press on one corner and let go on the other."), "warn");
        return;
      }
      ex.annotate = ex.annotate || [];
      if (comparing) {
        takeBox(ex, [Math.min(x, d.x), Math.min(y, d.y), Math.abs(x - d.x), Math.abs(y - d.y)].map(round));
        return;
      }
      if (tool === "measure") {
        // the ruler first (a known length), then what to measure against it
        if (!measuring || measuring.ex !== ex.number) {
          measuring = {ex: ex.number, ref: [d.x, d.y, x, y].map(round)};
          status(t("Now drag along what to measure."), "warn");
          return;
        }
        const length = $("#ref-length").value.trim();
        if (!length) {
          status(t("Type the ruler segment's true length first, e.g. 10 cm."), "bad");
          return;
        }
        const spec = {measure: [d.x, d.y, x, y].map(round), ref: measuring.ref, ref_length: length};
        const text = $("#label-text").value.trim();
        if (text) spec.label = text;
        ex.annotate.push(spec);
        measuring = null;
      } else {
        ex.annotate.push(newShape(tool, d.x, d.y, x, y));
      }
      selected = {ex: ex.number, index: ex.annotate.length - 1};
    } else if (!d.moving) {
      return;  // a click: the mark is selected, nothing changed
    }
    changed();
    refreshPicture(ex);
  });
}

function removeSelected(ex) {
  if (!selected || selected.ex !== ex.number) return;
  ex.annotate.splice(selected.index, 1);
  selected = null;
  changed();
  refreshPicture(ex);
}

// --------------------------------------------------------------------------- the page

function exhibitCard(ex) {
  const card = el("section", {class: "card exhibit", id: `exhibit-${ex.number}`});
  const last = state.exhibits.length;
  card.append(el("h2", {}, t("Exhibit {number}", {number: ex.number}) + " ",
    el("span", {class: "muted small", text: ex.file}), " ",
    el("span", {class: "order"},
      el("button", {type: "button", class: "link", "data-testid": `exhibit-up-${ex.number}`,
        text: "↑", title: t("Move up"), disabled: ex.number === 1 ? "" : null,
        onclick: () => reorder(ex.number, -1)}),
      el("button", {type: "button", class: "link", "data-testid": `exhibit-down-${ex.number}`,
        text: "↓", title: t("Move down"), disabled: ex.number === last ? "" : null,
        onclick: () => reorder(ex.number, 1)}),
      el("button", {type: "button", class: "link", "data-testid": `exhibit-remove-${ex.number}`,
        text: t("Take out of the case"), onclick: () => reorder(ex.number, 0)}))));
  const caption = el("input", {"data-testid": `caption-${ex.number}`, value: ex.caption || "",
    placeholder: t("What this shows, e.g. Crack along the left edge"), class: "wide"});
  caption.addEventListener("input", () => { ex.caption = caption.value; changed(); });
  card.append(el("label", {class: "field"}, t("Caption") + " ", caption));
  const defects = el("input", {value: (ex.defects || []).join(", "), class: "wide",
    placeholder: t("e.g. cracked, scratched")});
  defects.addEventListener("input", () => {
    ex.defects = defects.value.split(",").map((d) => d.trim()).filter(Boolean);
    changed();
  });
  card.append(el("label", {class: "field"}, t("Defects") + " ", defects));
  if (ex.kind === "photo") {
    const img = el("img", {"data-testid": `exhibit-image-${ex.number}`, alt: t("Exhibit {number}", {number: ex.number}),
      draggable: "false"});
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("id", `overlay-${ex.number}`);
    svg.setAttribute("viewBox", "0 0 1 1");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("class", "overlay");
    const pixels = (ex.annotate || []).some(inPixels);
    const stage = el("div", {class: "stage"}, img);
    if (!pixels) { stage.append(svg); attachDrawing(ex, svg); }
    card.append(stage);
    const remove = el("button", {type: "button", id: `remove-${ex.number}`, text: t("Remove mark"),
      disabled: "", onclick: () => removeSelected(ex)});
    card.append(el("div", {class: "row"}, remove, el("span", {class: "muted small",
      text: pixels ? t("These marks are written in pixels: change them in case.toml.") :
        t("Click a mark to select it.")})));
    views.set(ex.number, {img, svg, remove});
    refreshPicture(ex);
  } else if (ex.kind === "video") {
    card.append(videoControls(ex));
  }
  return card;
}

function changed() { dirty = true; status(t("Not saved yet"), "warn"); }

async function save() {
  const body = {base: state.digest, changes: changes()};
  status(t("Saving…"));
  const response = await api("api/save", body);
  const answer = await response.json();
  if (!response.ok) {
    status(answer.error, "bad");
    return;
  }
  state.digest = answer.digest;
  // the points sent are case.toml's tables now, in this order
  sentPoints().forEach((point, i) => { point.index = i; });
  saved = copy(state);
  const facts = factValues();
  saved.case = {...facts.case, own_words: $("#own_words").value, message: $("#message").value};
  saved.order = facts.order;
  state.case = copy(saved.case);
  state.order = copy(saved.order);
  dirty = false;
  status(t("Saved to case.toml"), "ok");
  showFindings(answer.check);
}

async function load() {
  const response = await api("api/case");
  const answer = await response.json();
  if (!response.ok) {
    status(answer.error, "bad");
    return;
  }
  state = answer;
  saved = copy(answer);
  ({kinds: KINDS, lines: LINES, rect: RECT, labelled: LABELLED, arity: ARITY} = answer.shapes);
  EDITABLE = answer.editable;
  $("#where").textContent = t("Case folder: {folder}", {folder: answer.folder});
  factsForm(answer);
  pointsList();
  platformChoices(answer);
  offerZones();
  $("#own_words").value = answer.case.own_words || "";
  $("#message").value = answer.case.message || "";
  $("#exhibits").replaceChildren(...answer.exhibits.map(exhibitCard));
}

function pickTool(name) {
  tool = name;
  measuring = null;
  comparing = null;
  if (name === "measure") status(t("Drag along a known length on the ruler, then along what to measure."), "warn");
  document.body.classList.toggle("covering", name === "redact");
  for (const b of document.querySelectorAll("[data-tool]")) {
    b.setAttribute("aria-pressed", b.dataset.tool === name ? "true" : "false");
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const b of document.querySelectorAll("[data-tool]")) b.addEventListener("click", () => pickTool(b.dataset.tool));
  pickTool("box");
  $("#save").addEventListener("click", save);
  for (const id of ["own_words", "message"]) $(`#${id}`).addEventListener("input", changed);
  $("#point-add").addEventListener("click", () => {
    state.points.push({listing_says: "", received: ""});
    changed();
    pointsList();
  });
  $("#build-dossier").addEventListener("click", () => startJob("api/build", {}));
  $("#export").addEventListener("click", () => startJob("api/export", {platform: $("#export-platform").value}));
  $("#add-files").addEventListener("change", async (event) => {
    await addFiles([...event.target.files]);
    event.target.value = "";
  });
  const drop = $("#files");
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    addFiles([...event.dataTransfer.files]);
  });
  $("#label-text").addEventListener("input", textTyped);
  document.addEventListener("keydown", (event) => {
    if ((event.key === "Delete" || event.key === "Backspace") && selected &&
        !["INPUT", "TEXTAREA"].includes(document.activeElement.tagName)) {
      removeSelected(state.exhibits[selected.ex - 1]);
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) event.preventDefault();
  });
  $("#lang").addEventListener("change", async () => {
    try { localStorage.setItem("evidence-lang", $("#lang").value); } catch (e) { /* private mode */ }
    await loadWords($("#lang").value);
    if (state) {
      // the fields' words come with the case, in the language asked for; what is typed stays
      const typed = factValues();
      const response = await api("api/case");
      if (response.ok) {
        const fresh = await response.json();
        state.facts = fresh.facts;
        state.choices = fresh.choices;
        platformChoices(state);
      }
      factsForm({...state, case: {...state.case, ...typed.case}, order: typed.order});
      pointsList();
      $("#where").textContent = t("Case folder: {folder}", {folder: state.folder});
      if (!dirty) status("");  // a status said in the other language would stay
      if (!$("#findings").hidden) {  // said again, in the language now shown
        const check = await api("api/check");
        if (check.ok) showFindings(await check.json());
      }
      $("#exhibits").replaceChildren(...state.exhibits.map(exhibitCard));
    }
    if (dirty) status(t("Not saved yet"), "warn");
  });
  let picked = "";
  try { picked = localStorage.getItem("evidence-lang") || ""; } catch (e) { /* private mode */ }
  loadWords(picked || navigator.languages.join(",")).then(load);
});

// The page's words in a language: the buyer's pick, else the first of the browser's languages
// the toolkit speaks (the server decides, from the same catalogues as the terminal).
async function loadWords(wanted) {
  const response = await fetch(`api/words?lang=${encodeURIComponent(wanted)}`);
  const answer = await response.json();
  language = answer.language;
  WORDS = answer.words;
  document.documentElement.lang = language.replace("_", "-");
  const select = $("#lang");
  select.replaceChildren(...Object.entries(answer.languages).map(([code, name]) =>
    el("option", {value: code, text: name})));
  select.value = language;
  for (const node of document.querySelectorAll("[data-t]")) {
    node.dataset.msgid = node.dataset.msgid || node.textContent.replace(/\s+/g, " ").trim();
    node.textContent = t(node.dataset.msgid);
  }
  for (const node of document.querySelectorAll("[data-t-html]")) {
    node.dataset.msgid = node.dataset.msgid || node.innerHTML.replace(/\s+/g, " ").trim();
    node.innerHTML = t(node.dataset.msgid);  // our own catalogue's markup (b, kbd, code)
  }
  for (const attr of ["title", "placeholder", "aria-label"]) {
    for (const node of document.querySelectorAll(`[data-t-${attr}]`)) {
      const key = `msgid${attr.replace("-", "")}`;
      node.dataset[key] = node.dataset[key] || node.getAttribute(attr).replace(/\s+/g, " ").trim();
      node.setAttribute(attr, t(node.dataset[key]));
    }
  }
}
