// The mark page's videos: the player, its trim and moments, and covering an address from the
// player's time. Loaded after mark.js, whose helpers and state it shares.
"use strict";

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
