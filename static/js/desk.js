// The intake desk (templates/intake/desk.html) and the page a registration lands on
// (templates/intake/case.html). Everything here improves a page that already works without
// it: the fields for both kinds of party are all shown, the category select is a plain
// select, errors are shown after submitting.
(function () {
  "use strict";
  const script = document.currentScript;
  const config = script ? script.dataset : {};
  const form = document.getElementById("register-form");

  function csrfToken() {
    const input = form && form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // POSTed, never a GET: ID numbers and phones must not appear in a URL (proxy logs).
  function post(url, party, extra) {
    const body = new FormData();
    party.querySelectorAll("input[name], select[name]").forEach((el) => {
      if (el.type !== "file") body.append(el.name, el.value);
    });
    Object.entries(extra).forEach(([k, v]) => body.append(k, v));
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    });
  }

  // --- Fields that only one kind of party has ---------------------------------------
  function applyKind(party) {
    const kind = party.querySelector("[data-party-kind]");
    if (!kind) return;
    party.querySelectorAll("[data-kind-only]").forEach((col) => {
      col.hidden = col.dataset.kindOnly !== kind.value;
    });
  }

  // --- One field's message, shown as Bootstrap shows a server-side one ------------------
  function showMessage(input, message) {
    const id = input.id + "-error";
    let feedback = document.getElementById(id);
    if (!message) {
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      if (feedback) feedback.remove();
      return;
    }
    if (!feedback) {
      feedback = document.createElement("div");
      feedback.id = id;
      feedback.className = "invalid-feedback d-block";
      input.insertAdjacentElement("afterend", feedback);
    }
    feedback.textContent = message;
    input.classList.add("is-invalid");
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
  }

  const timers = new WeakMap();
  function check(input) {
    const party = input.closest(".party");
    if (!party || !config.checkUrl || input.closest("[hidden]")) return;
    if (!input.value.trim()) {
      showMessage(input, "");
      return;
    }
    post(config.checkUrl, party, { prefix: party.dataset.prefix, field: input.dataset.check })
      .then((r) => (r.ok ? r.json() : null))
      .then((answer) => {
        if (answer) showMessage(input, answer.message);
      })
      .catch(() => {}); // offline: the check on submit still applies
  }
  function checkSoon(input, delay) {
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(() => check(input), delay));
  }

  // --- Filling in a known party (a reveal, audited by the server) ---------------------
  function fill(button) {
    const party = document.getElementById("party-" + button.dataset.fillParty);
    if (!party || !config.fillUrl) return;
    post(config.fillUrl, party, { prefix: party.dataset.prefix })
      .then((r) => (r.ok ? r.json() : null))
      .then((values) => {
        if (!values) return;
        ["name", "address", "phone"].forEach((name) => {
          const input = party.querySelector(`[name="${party.dataset.prefix}-${name}"]`);
          if (input && values[name]) input.value = values[name];
        });
        button.disabled = true;
        const name = party.querySelector(`[name="${party.dataset.prefix}-name"]`);
        if (name) name.focus();
      })
      .catch(() => {});
  }

  // --- The category picker's filter: Chinese or pinyin initials ("ldbc") -------------
  function categorySearch() {
    const box = document.querySelector("[data-category-search]");
    const select = document.querySelector("[data-category-picker]");
    if (!box || !select) return;
    const input = box.querySelector("input");
    const status = box.querySelector(".form-text");
    box.hidden = false;
    let matches = [];
    let current = 0;
    let changeTimer;

    function choose(index) {
      if (!matches.length) return;
      current = (index + matches.length) % matches.length;
      const option = matches[current];
      select.value = option.value;
      status.textContent = `${matches.length} ${config.count || ""} · ${config.found || ""}${option.text}`;
      // The suggested window (htmx) follows the select's change event.
      clearTimeout(changeTimer);
      changeTimer = setTimeout(() => select.dispatchEvent(new Event("change", { bubbles: true })), 250);
    }

    input.addEventListener("input", () => {
      const query = input.value.toLowerCase().replace(/\s+/g, "");
      matches = [];
      select.querySelectorAll("option").forEach((option) => {
        if (!option.value) return;
        const terms = (option.dataset.search || "").split(" ");
        const hit =
          !query || option.text.toLowerCase().includes(query) || terms.some((t) => t.includes(query));
        option.hidden = !hit;
        if (hit && query) matches.push(option);
      });
      select.querySelectorAll("optgroup").forEach((group) => {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      if (!query) {
        status.textContent = "";
      } else if (!matches.length) {
        status.textContent = config.none || "";
      } else {
        choose(0);
      }
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        choose(current + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        event.preventDefault(); // choosing a category must not submit the registration
        choose(current);
      }
    });
  }

  // --- The desk ---------------------------------------------------------------------
  if (form) {
    document.querySelectorAll(".party").forEach(applyKind);
    // Rows added with htmx (添加当事人) get the same treatment.
    document.body.addEventListener("htmx:load", (event) => {
      const elt = event.detail.elt;
      if (elt.classList && elt.classList.contains("party")) applyKind(elt);
    });
    form.addEventListener("change", (event) => {
      const target = event.target;
      if (target.matches("[data-party-kind]")) applyKind(target.closest(".party"));
      if (target.matches("[data-check]")) checkSoon(target, 0);
    });
    form.addEventListener("input", (event) => {
      if (event.target.matches("[data-check]")) checkSoon(event.target, 600);
    });
    form.addEventListener("click", (event) => {
      const button = event.target.closest("[data-fill-party]");
      if (button) fill(button);
      const link = event.target.closest("[data-error-link]");
      if (link) {
        const target = document.getElementById(link.getAttribute("href").slice(1));
        if (target) {
          event.preventDefault();
          if (!target.matches("input, select, textarea")) target.setAttribute("tabindex", "-1");
          target.focus();
        }
      }
    });
    categorySearch();
    const summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }

  // --- After registering: one key each for the next steps ----------------------------
  const next = document.getElementById("registered-next");
  if (next) {
    document.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing) return;
      if (event.target.closest("input, textarea, select, [contenteditable]")) return;
      const button = next.querySelector(`[data-key="${event.key.toLowerCase()}"]`);
      if (button) {
        event.preventDefault();
        button.click();
      }
    });
  }
})();
