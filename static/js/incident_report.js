// The grid worker's report form, made to survive a network that comes and goes.
//
// A report gets its idempotency key when the worker taps 上报, and is written to IndexedDB
// (fields and photos as bytes) *before* it is sent. It leaves the store only when the server
// has answered: 201/200 (made, or already made from this key) or 400 (refused; the errors
// are shown). Anything else (no network, 5xx, an expired session) keeps it as 待发送, and it
// is sent again when the browser comes back online, when the page loads, and every 30 s.
// The server makes one incident per key and reporter, so a report sent twice is still one.
(function () {
  "use strict";
  const form = document.getElementById("report-form");
  if (!form || !window.indexedDB) return;
  const msg = form.dataset;
  const statusBox = document.getElementById("report-status");
  const DB_NAME = "incident-outbox";
  const STORE = "reports";
  const SKIP = new Set(["photos", "csrfmiddlewaretoken", "idempotency_key"]);

  // --- the outbox (IndexedDB) ------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore(STORE, { keyPath: "key" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function withStore(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        const tx = db.transaction(STORE, mode);
        const req = fn(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(req && req.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  const save = (record) => withStore("readwrite", (s) => s.put(record));
  const drop = (key) => withStore("readwrite", (s) => s.delete(key));
  const all = () => withStore("readonly", (s) => s.getAll());

  // One sender at a time: a tap on 上报 and an `online` event must not post the same
  // record side by side (harmless thanks to the key, but needless).
  let chain = Promise.resolve();
  function exclusive(fn) {
    const next = chain.then(fn, fn);
    chain = next.catch(function () {});
    return next;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  async function capture() {
    const fields = [];
    for (const [name, value] of new FormData(form)) {
      if (!SKIP.has(name)) fields.push([name, value]);
    }
    const photos = [];
    for (const file of form.elements.photos.files) {
      photos.push({ name: file.name, type: file.type, data: await file.arrayBuffer() });
    }
    const category = form.elements.category;
    return {
      key: newKey(),
      fields: fields,
      photos: photos,
      label: (category.selectedOptions[0] || {}).text + " · " + form.elements.place.value,
      created: Date.now(),
      failed: null,
    };
  }

  // --- sending ---------------------------------------------------------------------------
  async function send(record) {
    const body = new FormData();
    record.fields.forEach(([name, value]) => body.append(name, value));
    record.photos.forEach(function (p) {
      body.append("photos", new Blob([p.data], { type: p.type }), p.name);
    });
    let response;
    try {
      response = await fetch(msg.api, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: {
          "Idempotency-Key": record.key,
          "X-CSRFToken": form.elements.csrfmiddlewaretoken.value,
          Accept: "application/json",
        },
      });
    } catch (err) {
      return { status: "offline" };
    }
    if (response.ok) {
      await drop(record.key);
      return { status: "sent", incident: await response.json() };
    }
    if (response.status === 400) {
      const data = await response.json().catch(() => ({}));
      return { status: "invalid", errors: data.errors || { __all__: [data.detail || ""] } };
    }
    return { status: "offline" };
  }

  // Send whatever is waiting, oldest first; stop at the first sign of no network.
  function flush() {
    return exclusive(async function () {
      let sent = 0;
      const records = (await all()).sort((a, b) => a.created - b.created);
      for (const record of records) {
        if (record.failed) continue;
        const out = await send(record);
        if (out.status === "offline") break;
        if (out.status === "sent") sent += 1;
        if (out.status === "invalid") {
          record.failed = out.errors;
          await save(record);
        }
      }
      if (sent) refreshList();
      await showPending();
    });
  }

  // --- the page --------------------------------------------------------------------------
  function say(text, kind) {
    statusBox.innerHTML = "";
    const div = document.createElement("div");
    div.className = "alert alert-" + kind;
    div.textContent = text;
    statusBox.appendChild(div);
  }

  function clearErrors() {
    form.querySelectorAll("[data-errors-for]").forEach((el) => { el.textContent = ""; });
  }

  function showErrors(errors) {
    const loose = [];
    Object.entries(errors).forEach(function ([name, list]) {
      const box = form.querySelector('[data-errors-for="' + name + '"]');
      if (!box) { loose.push(...list); return; }
      list.forEach(function (text) {
        const div = document.createElement("div");
        div.textContent = text;
        box.appendChild(div);
      });
    });
    say(msg.msgInvalid + (loose.length ? "：" + loose.join(" ") : ""), "danger");
  }

  function refreshList() {
    if (window.htmx) htmx.ajax("GET", msg.list, { target: "#my-incidents", swap: "innerHTML" });
  }

  async function showPending() {
    const records = await all();
    const list = document.getElementById("pending");
    document.getElementById("pending-section").hidden = records.length === 0;
    list.innerHTML = "";
    records.forEach(function (record) {
      const li = document.createElement("li");
      li.className = "list-group-item";
      li.dataset.key = record.key;
      const badge = document.createElement("span");
      badge.className = "badge me-2 " + (record.failed ? "text-bg-danger" : "text-bg-warning");
      badge.textContent = record.failed ? msg.msgFailed : msg.msgPending;
      li.append(badge, record.label);
      if (record.photos.length) li.append(" · " + record.photos.length + " " + msg.msgPhotos);
      if (record.failed) {
        const detail = document.createElement("div");
        detail.className = "small text-danger";
        detail.textContent = Object.values(record.failed).flat().join(" ");
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-sm btn-outline-danger mt-1";
        remove.textContent = msg.msgDiscard;
        remove.addEventListener("click", () => drop(record.key).then(showPending));
        li.append(detail, remove);
      }
      list.appendChild(li);
    });
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    clearErrors();
    const button = form.querySelector("[type=submit]");
    button.disabled = true;
    try {
      const record = await capture();
      await save(record); // kept before anything is sent: a tab closed now loses nothing
      const out = await exclusive(() => send(record));
      if (out.status === "invalid") {
        await drop(record.key); // nothing was made; the worker corrects and taps again
        showErrors(out.errors);
      } else {
        form.reset();
        if (out.status === "sent") {
          say(msg.msgSent + " " + out.incident.number, "success");
          refreshList();
        } else {
          say(msg.msgOffline, "warning");
        }
      }
    } finally {
      button.disabled = false;
      await showPending();
    }
  });

  window.addEventListener("online", flush);
  setInterval(function () { if (navigator.onLine) flush(); }, 30000);
  flush();
})();
