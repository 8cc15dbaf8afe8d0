// The mark page's case parts: the order's facts, the files added, the exhibits' order, the
// not-as-described points and the builds. Loaded after mark.js, whose helpers and state it
// shares (plain scripts, one global scope, no build step).
"use strict";

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
  comparing = null;
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

function blankPoint(point) {
  return !(point.listing_says || "").trim() && !(point.received || "").trim() &&
    !point.listing && !point.photo;
}

function sentPoints() {
  return state.points.filter((point) => point.index !== undefined || !blankPoint(point));
}

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
  const controls = ["#build-dossier", "#export", "#add-files", "#save"];
  for (const b of controls) $(b).disabled = true;  // the case must not change under a build
  $("#job").hidden = false;
  let job = answer;
  try {
    while (job.state === "running") {
      showJob(job);
      await new Promise((done) => setTimeout(done, 500));
      job = await (await api("api/job")).json();
    }
  } catch (e) {
    job = {state: "failed", error: t("the connection to evidence mark was lost")};
  } finally {
    for (const b of controls) $(b).disabled = false;
    $("#job").hidden = true;
  }
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
      el("ol", {}, ...r.uploads.map((u) => el("li", {}, el("a", {href: `files/${[...r.folder.split("/"), u.name].map(encodeURIComponent).join("/")}`,
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
  // case.toml changes with each file: no save and no build until they are in
  for (const b of ["#save", "#build-dossier", "#export"]) $(b).disabled = true;
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
  for (const b of ["#save", "#build-dossier", "#export"]) $(b).disabled = false;
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
  }
  views.clear();  // every card again: the one that was last can now move down
  $("#exhibits").replaceChildren(...state.exhibits.map(exhibitCard));
  offerZones();
}

async function offerZones() {
  const response = await api("api/zones");
  if (!response.ok) return;
  const answer = await response.json();
  // the files' own zones first: the buyer's is most likely among them
  $("#zones").replaceChildren(...[...answer.found, ...answer.names].map((z) => el("option", {value: z})));
}

// --------------------------------------------------------------------------- findings

function showFindings(check) {
  const box = $("#findings");
  const items = (check.findings || []).filter((f) => f.severity !== "info");
  box.hidden = items.length === 0;
  for (const node of document.querySelectorAll(".fact.wanted")) node.classList.remove("wanted");
  box.replaceChildren(el("h2", {text: t("What evidence check says")}),
    el("ul", {}, ...items.map((f) => {
      // the server said the finding in the page's language; only the lead-in is the page's.
      // A finding a field answers links to that field instead of telling how to edit a file.
      // the server says where on the page the finding is answered (mark/facts.py): the link
      // says what to do there, and the fix's words, written for case.toml, are left out
      const said = f.subject && f.subject !== "case.toml" ? `${f.subject}: ${f.message}` : f.message;
      const text = f.fix && !f.link ? `${said} → ${f.fix}` : said;
      const item = el("li", {class: f.severity}, f.severity === "error"
        ? t("Must fix: {finding}", {finding: text}) : t("Check: {finding}", {finding: text}));
      const target = f.link && document.getElementById(f.link.target);
      if (target) {
        if (f.link.field) target.closest(".fact").classList.add("wanted");
        item.append(" ", el("button", {type: "button", class: "link", text: f.link.label,
          onclick: () => {
            target.scrollIntoView({block: f.link.field ? "center" : "start"});
            if (f.link.field) target.focus();
          }}));
      }
      return item;
    })));
}

// --------------------------------------------------------------------------- saving

function changes() {
  const out = {exhibits: []};
  // a point added and not filled in yet is not sent: case.toml would refuse it
  if (JSON.stringify(state.points) !== JSON.stringify(saved.points)) out.points = sentPoints();
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
