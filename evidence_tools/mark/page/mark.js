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

// --------------------------------------------------------------------------- videos

// a place in a video to a tenth of a second, rounded first, as case.toml takes it (59.97 s is
// 1:00.0, never 0:60.0, which the loader refuses)
function timecode(seconds) {
  const tenths = Math.max(0, Math.round(seconds * 10));
  const m = Math.floor(tenths / 600), rest = (tenths % 600) / 10;
  return `${m}:${rest < 10 ? "0" : ""}${rest.toFixed(1)}`;
}

function videoControls(ex) {
  const video = el("video", {"data-testid": `video-${ex.number}`, src: `video/${ex.number}`,
    controls: "", preload: "metadata", playsinline: ""});
  const trimText = el("span", {class: "muted"});
  const wait = el("p", {class: "muted small",
    text: t("Preparing the video for this page (a phone's HEVC or HDR video takes a moment)…")});
  video.addEventListener("loadedmetadata", () => wait.remove(), {once: true});
  video.addEventListener("error", () => {
    wait.textContent = t("This video cannot be shown here: set its trim and moments in case.toml.");
  });
  const moments = el("ul", {class: "moments"});
  const note = el("input", {placeholder: t("What this moment shows"), size: "30"});
  const show = () => {
    trimText.textContent = ex.trim ? t("Keep {start} to {end}", {start: ex.trim[0], end: ex.trim[1]})
      : t("The whole video is kept.");
    moments.replaceChildren(...(ex.moments || []).map((m, i) => el("li", {},
      `${m.at} ${m.note || ""} `,
      el("button", {type: "button", class: "link", text: t("remove"),
        onclick: () => { ex.moments.splice(i, 1); changed(); show(); }}))));
  };
  const setTrim = (end) => {
    const now = timecode(video.currentTime);
    const trim = ex.trim ? ex.trim.slice() : ["0:00.0", timecode(video.duration || video.currentTime)];
    trim[end] = now;
    ex.trim = trim;
    changed(); show();
  };
  const bar = el("div", {class: "row"},
    el("button", {type: "button", "data-testid": `trim-start-${ex.number}`, text: t("Start here"),
      onclick: () => setTrim(0)}),
    el("button", {type: "button", "data-testid": `trim-end-${ex.number}`, text: t("End here"),
      onclick: () => setTrim(1)}),
    trimText);
  const add = el("div", {class: "row"}, note,
    el("button", {type: "button", "data-testid": `add-moment-${ex.number}`, text: t("Add moment at this time"),
      onclick: () => {
        ex.moments = ex.moments || [];
        ex.moments.push({at: timecode(video.currentTime), note: note.value.trim()});
        note.value = ""; changed(); show();
      }}));
  show();
  const covers = videoCovers(ex, video);
  const stage = el("div", {class: "stage"}, video, covers.svg);
  return el("div", {class: "video"}, wait, stage, bar, add, moments, covers.list);
}

const seconds = (code) => code.split(":").reduce((total, part) => total * 60 + Number(part), 0);

// Black covers over an address or a face while it is in view: drawn with the Cover tool
// on the video, from the player's time to the end unless "until now" sets where they stop.
function videoCovers(ex, video) {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 1 1");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("class", "overlay video-overlay");
  svg.dataset.testid = `video-cover-${ex.number}`;
  const list = el("ul", {class: "moments"});
  const draw = () => {
    svg.replaceChildren();
    const now = video.currentTime;
    for (const cover of ex.redact || []) {
      const from = cover.from ? seconds(cover.from) : 0, to = cover.to ? seconds(cover.to) : Infinity;
      if (now < from - 0.05 || now > to + 0.05) continue;
      const [x, y, w, h] = cover.box;
      const r = document.createElementNS(NS, "rect");
      for (const [k, v] of Object.entries({x, y, width: w, height: h})) r.setAttribute(k, v);
      r.setAttribute("class", "cover");
      svg.append(r);
    }
    list.replaceChildren(...(ex.redact || []).map((cover, i) => el("li", {},
      (cover.to ? t("Cover {n}: {start} to {end}", {n: i + 1, start: cover.from || "0:00", end: cover.to})
        : t("Cover {n}: {start} to the end", {n: i + 1, start: cover.from || "0:00"})) + " ",
      el("button", {type: "button", class: "link", text: t("until now"), onclick: () => {
        const now = timecode(video.currentTime);
        if (seconds(now) <= seconds(cover.from || "0:00")) {
          status(t("Play on to where the cover should stop, then press “until now”."), "warn");
          return;
        }
        ex.redact[i] = {...cover, to: now}; changed(); draw();
      }}),
      el("button", {type: "button", class: "link", text: t("remove"),
        onclick: () => { ex.redact.splice(i, 1); changed(); draw(); }}))));
  };
  let start = null;
  svg.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    svg.setPointerCapture(event.pointerId);
    start = fraction(svg, event);
  });
  svg.addEventListener("pointerup", (event) => {
    if (!start) return;
    const [x, y] = fraction(svg, event), [x0, y0] = start;
    start = null;
    const w = Math.abs(x - x0), h = Math.abs(y - y0);
    if (w < 0.01 || h < 0.01) return;
    const box = [Math.min(x, x0), Math.min(y, y0), w, h].map(round);
    box[2] = round(Math.min(box[2], 1 - box[0])); box[3] = round(Math.min(box[3], 1 - box[1]));
    ex.redact = ex.redact || [];
    ex.redact.push({box, from: timecode(video.currentTime)});
    changed(); draw();
  });
  for (const name of ["timeupdate", "seeked", "loadedmetadata"]) video.addEventListener(name, draw);
  draw();
  return {svg, list};
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

// --------------------------------------------------------------------------- the case's facts

// the fields come from the server (evidence_tools/mark/facts.py): which table and key each
// writes, its kind and its words; the page only draws them
const factId = (f) => `${f.table}-${f.key.replaceAll("_", "-")}`;

function factsForm(answer) {
  const fields = answer.facts.map((f) => {
    const id = factId(f);
    let input;
    if (f.kind === "select") {
      input = el("select", {id, "data-testid": id},
        el("option", {value: "", text: t("(choose)")}),
        ...(answer.choices[f.key] || []).map(([code, name]) => el("option", {value: code, text: name})));
    } else {
      input = el("input", {id, "data-testid": id, type: f.kind === "date" ? "date" : "text"});
      if (f.kind === "zone") input.setAttribute("list", "zones");
    }
    input.value = (answer[f.table] || {})[f.key] || "";
    input.addEventListener("input", changed);
    input.addEventListener("change", changed);
    const label = el("label", {class: "fact", for: id}, el("span", {text: f.label}), input);
    if (f.hint) label.append(el("span", {class: "muted small", text: f.hint}));
    return label;
  });
  $("#fact-fields").replaceChildren(...fields);
}

function factValues() {
  const out = {case: {}, order: {}};
  for (const f of state.facts) out[f.table][f.key] = $(`#${factId(f)}`).value.trim();
  return out;
}

// --------------------------------------------------------------------------- order

// moving or taking out an exhibit renumbers the others (and the points that name them), so
// it is saved at once, on a saved page, and the page reads the case again
async function reorder(number, step) {
  if (dirty) {
    status(t("Save first: moving or taking out an exhibit renumbers the others"), "warn");
    return;
  }
  const files = state.exhibits.map((ex) => ex.file);
  if (step === 0) {
    if (!window.confirm(t("Take exhibit {number} out of the case? Its original file stays in originals/, with its fingerprint.", {number}))) return;
    files.splice(number - 1, 1);
  } else {
    const to = number - 1 + step;
    [files[number - 1], files[to]] = [files[to], files[number - 1]];
  }
  const response = await api("api/save", {base: state.digest, changes: {exhibit_order: files}});
  const answer = await response.json();
  if (!response.ok) {
    status(answer.error, "bad");
    return;
  }
  views.clear();
  await load();
  status(t("Saved to case.toml"), "ok");
  showFindings(answer.check);
}

// --------------------------------------------------------------------------- points

// a [[mismatch]] each: the listing's words, what arrived, and boxes drawn on the photos with
// the page's drawing (the next box drawn goes to the point that asked for it)
let comparing = null;  // {point, role}: listing | photo | white

function pointsList() {
  $("#point-list").replaceChildren(...state.points.map((point, i) => {
    const input = (key, testid, label, hint) => {
      const field = el("input", {"data-testid": `${testid}-${i + 1}`, value: point[key] || "",
        placeholder: hint});
      field.addEventListener("input", () => { point[key] = field.value; changed(); });
      return el("label", {class: "fact"}, el("span", {text: label}), field);
    };
    const where = (side) => side && side.exhibit
      ? t("Exhibit {number}", {number: side.exhibit}) + (side.box ? " ✓" : "") : t("not marked");
    const arm = (role, testid, text) => el("button", {type: "button", "data-testid": `${testid}-${i + 1}`,
      text, onclick: () => {
        comparing = {point: i, role};
        status(role === "white" ? t("Drag a box over the white paper beside the item.")
          : role === "listing" ? t("Drag a box over the listing where it shows this.")
          : t("Drag a box over the item where it shows this."), "warn");
      }});
    return el("li", {},
      el("div", {class: "facts"},
        input("listing_says", "point-says", t("The listing says"), t("e.g. Colour: Navy blue")),
        input("received", "point-received", t("What arrived"), t("e.g. black"))),
      el("div", {class: "row small"},
        arm("listing", "point-listing", t("Box on the listing")), el("span", {text: where(point.listing)}),
        arm("photo", "point-item", t("Box on the item")), el("span", {text: where(point.photo)}),
        arm("white", "point-white", t("White paper")),
        el("span", {text: point.photo && point.photo.white ? "✓" : ""}),
        el("button", {type: "button", class: "link", text: t("remove"), onclick: () => {
          state.points.splice(i, 1); changed(); pointsList(); redrawAll(); }})));
  }));
}

// a box drawn while a point asked for one: it is the point's, not a mark on the photo
function takeBox(ex, box) {
  const point = state.points[comparing.point], role = comparing.role;
  comparing = null;
  if (role === "listing") {
    point.listing = {exhibit: ex.number, box};
  } else if (role === "photo") {
    const same = point.photo && point.photo.exhibit === ex.number;
    point.photo = {...(same ? point.photo : {}), exhibit: ex.number, box};
  } else {
    if (!point.photo || point.photo.exhibit !== ex.number) {
      status(t("Mark the item on this photo first: the white paper must be beside it."), "bad");
      return;
    }
    point.photo = {...point.photo, white: box};
  }
  status(t("Marked."), "ok");
  changed();
  pointsList();
  redrawAll();
}

function pointBoxes(ex, svg) {
  for (const point of state.points || []) {
    const sides = [[point.listing, "box", ""], [point.photo, "box", ""], [point.photo, "white", "white"]];
    for (const [side, key, cls] of sides) {
      if (!side || side.exhibit !== ex.number || !Array.isArray(side[key])) continue;
      const r = document.createElementNS(NS, "rect");
      const [x, y, w, h] = side[key];
      for (const [k, v] of Object.entries({x, y, width: w, height: h})) r.setAttribute(k, v);
      r.setAttribute("class", `point-box ${cls}`);
      svg.append(r);
    }
  }
}

function redrawAll() {
  for (const ex of state.exhibits) if (views.has(ex.number) && ex.kind === "photo") drawOutlines(ex);
}

// --------------------------------------------------------------------------- building

// the build runs on the server (what `evidence dossier` and `evidence export` run); the page
// asks twice a second how far it is, so a long encode moves the bar as it goes
async function startJob(route, body) {
  if (dirty) {
    status(t("Save first: the dossier is made from what case.toml holds"), "warn");
    return;
  }
  const response = await api(route, body);
  const answer = await response.json();
  if (!response.ok) {
    status(answer.error, "bad");
    return;
  }
  const target = route === "api/build" ? $("#job-result") : $("#export-result");
  target.replaceChildren();
  for (const b of ["#build-dossier", "#export"]) $(b).disabled = true;
  $("#job").hidden = false;
  let job = answer;
  while (job.state === "running") {
    showJob(job);
    await new Promise((done) => setTimeout(done, 500));
    job = await (await api("api/job")).json();
  }
  for (const b of ["#build-dossier", "#export"]) $(b).disabled = false;
  $("#job").hidden = true;
  target.replaceChildren(...jobResult(job, route, body));
}

function showJob(job) {
  if (!job.progress) return;
  $("#job-bar").value = job.progress.overall;
  const left = job.progress.left == null ? "" : "  " + t("{time} left",
    {time: `${Math.floor(job.progress.left / 60)}:${String(job.progress.left % 60).padStart(2, "0")}`});
  $("#job-what").textContent = `${job.progress.what}  ${Math.round(job.progress.overall * 100)} %${left}`;
}

function jobResult(job, route, body) {
  if (job.state === "refused") {
    return [el("p", {class: "bad", text: job.error}),
      el("ul", {}, ...job.findings.map((line) => el("li", {text: line}))),
      el("button", {type: "button", text: t("Build despite these errors"), "data-testid": "despite-errors",
        onclick: () => startJob(route, {...body, despite_errors: true})})];
  }
  if (job.state !== "done") return [el("p", {class: "bad", text: job.error})];
  const r = job.result, out = [];
  if (job.kind === "dossier") {
    out.push(el("p", {}, el("a", {href: `files/${r.pdf}`, target: "_blank", rel: "noopener",
      "data-testid": "dossier-link", text: t("Open the dossier (PDF, {pages} pages)", {pages: r.pages})})));
  } else {
    out.push(el("p", {text: t("Upload these, in this order, from {folder}:", {folder: r.folder})}),
      el("ol", {}, ...r.uploads.map((u) => el("li", {}, el("a", {href: `files/${r.folder}/${u.name}`,
        target: "_blank", rel: "noopener", text: u.name}), ` — ${u.what}`))));
  }
  const text = el("textarea", {rows: 5, readonly: "", "data-testid": `${job.kind}-message`});
  text.value = r.message;
  out.push(el("p", {class: "small", text: t("The message for the dispute box:")}), text,
    el("button", {type: "button", text: t("Copy the message"), onclick: async () => {
      try { await navigator.clipboard.writeText(r.message); status(t("Copied"), "ok"); }
      catch (e) { text.select(); }
    }}));
  for (const w of r.warnings || []) out.push(el("p", {class: "muted small", text: w}));
  return out;
}

function platformChoices(answer) {
  const select = $("#export-platform"), was = select.value;
  select.replaceChildren(...answer.choices.platform.filter(([code]) => code !== "other")
    .map(([code, name]) => el("option", {value: code, text: name})));
  select.value = was || (answer.case.platform !== "other" ? answer.case.platform : "") ||
    select.options[0].value;
}

// --------------------------------------------------------------------------- files

// each file goes as its own request, its body the file itself: the browser streams it from
// disk, and the server writes it to disk as it arrives (a 4 GB video is never in memory)
async function addFiles(files) {
  const list = $("#added"), done = [];
  $("#save").disabled = true;  // case.toml changes with each file: save once they are in
  for (const file of files) {
    const line = el("li", {text: t("{name}: copying…", {name: file.name})});
    list.append(line);
    let answer;
    try {
      const response = await fetch("api/upload", {method: "POST", body: file, headers: {
        "X-Evidence-Lang": language, "X-Evidence-Name": encodeURIComponent(file.name),
        "Content-Type": "application/octet-stream"}});
      answer = await response.json();
      if (!response.ok) answer = {status: "failed", error: answer.error};
    } catch (e) {
      answer = {status: "failed", error: t("the connection to evidence mark was lost")};
    }
    done.push([line, file, answer]);
  }
  await newExhibits();
  $("#save").disabled = false;
  for (const [line, file, answer] of done) {  // said once the page shows the new exhibits
    if (answer.status === "failed") {
      line.className = "failed";
      line.textContent = t("{name}: not added: {reason}", {name: file.name,
        reason: answer.hint ? `${answer.error} (${answer.hint})` : answer.error});
    } else {
      line.className = "added-ok";
      line.textContent = answer.status === "added"
        ? t("{name}: added as {file}", {name: file.name, file: answer.file})
        : t("{name}: already in the case ({file})", {name: file.name, file: answer.file});
      if (answer.note) line.textContent += ` (${answer.note})`;
    }
  }
}

// the case as saved now has the new files at its end: take them in, keeping what the buyer
// changed and has not saved yet
async function newExhibits() {
  const response = await api("api/case");
  if (!response.ok) return;
  const fresh = await response.json();
  state.digest = fresh.digest;
  for (const ex of fresh.exhibits.slice(state.exhibits.length)) {
    state.exhibits.push(ex);
    saved.exhibits.push(copy(ex));
    $("#exhibits").append(exhibitCard(ex));
  }
  offerZones();
}

async function offerZones() {
  const response = await api("api/zones");
  if (!response.ok) return;
  const answer = await response.json();
  // the files' own zones first: the buyer's is most likely among them
  $("#zones").replaceChildren(...[...answer.found, ...answer.names].map((z) => el("option", {value: z})));
}

function changes() {
  const out = {exhibits: []};
  if (JSON.stringify(state.points) !== JSON.stringify(saved.points)) out.points = state.points;
  state.exhibits.forEach((ex, i) => {
    const before = saved.exhibits[i], diff = {};
    for (const key of EDITABLE) {
      if (JSON.stringify(ex[key] ?? null) !== JSON.stringify(before[key] ?? null)) diff[key] = ex[key] ?? null;
    }
    if (Object.keys(diff).length) out.exhibits.push({number: ex.number, file: ex.file, ...diff});
  });
  const facts = factValues();
  const now = {case: {...facts.case, own_words: $("#own_words").value, message: $("#message").value},
    order: facts.order};
  for (const table of ["case", "order"]) {
    const diff = {};
    for (const [k, v] of Object.entries(now[table])) if (v !== (saved[table][k] || "")) diff[k] = v;
    if (Object.keys(diff).length) out[table] = diff;
  }
  return out;
}

function changed() { dirty = true; status(t("Not saved yet"), "warn"); }

function showFindings(check) {
  const box = $("#findings");
  const items = (check.findings || []).filter((f) => f.severity !== "info");
  box.hidden = items.length === 0;
  for (const node of document.querySelectorAll(".fact.wanted")) node.classList.remove("wanted");
  box.replaceChildren(el("h2", {text: t("What evidence check says")}),
    el("ul", {}, ...items.map((f) => {
      // the server said the finding in the page's language; only the lead-in is the page's.
      // A finding a field answers links to that field instead of telling how to edit a file.
      const field = state.facts.find((fact) => fact.fixes.includes(f.code));
      const said = f.subject && f.subject !== "case.toml" ? `${f.subject}: ${f.message}` : f.message;
      const text = f.fix && !field ? `${said} → ${f.fix}` : said;
      const item = el("li", {class: f.severity}, f.severity === "error"
        ? t("Must fix: {finding}", {finding: text}) : t("Check: {finding}", {finding: text}));
      const exhibit = state.exhibits.find((ex) => ex.file === f.subject);
      if (exhibit && !field) {
        item.append(" ", el("button", {type: "button", class: "link",
          text: t("Go to exhibit {number}", {number: exhibit.number}),
          onclick: () => $(`#exhibit-${exhibit.number}`).scrollIntoView({block: "start"})}));
      }
      if (field) {
        const input = $(`#${factId(field)}`);
        input.closest(".fact").classList.add("wanted");
        item.append(" ", el("button", {type: "button", class: "link", text: t("Fill in: {field}", {field: field.label}),
          onclick: () => { input.scrollIntoView({block: "center"}); input.focus(); }}));
      }
      return item;
    })));
}

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
  for (const id of ["own_words", "message"]) $(`#${id}`).addEventListener("input", changed);
  $("#exhibits").replaceChildren(...answer.exhibits.map(exhibitCard));
}

function pickTool(name) {
  tool = name;
  measuring = null;
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
