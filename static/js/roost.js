/* Roost's dashboard: small enhancements over server-rendered pages (htmx does the fetching).
   Everything here works on elements the server rendered; without JavaScript the pages still
   work (forms post, lists and threads load). */
(function () {
  "use strict";

  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  const csrf = () => {
    const holder = $("[hx-headers]");
    try { return JSON.parse(holder.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  };
  const typingTarget = (el) => el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

  /* --- The composer ------------------------------------------------------------------- */
  function setupComposer(form) {
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    const text = $("[data-reply-text]", form);
    const count = $("[data-count]", form);
    const max = parseInt(form.dataset.maxLength, 10);
    const article = form.closest("[data-typing-url]");
    let lastTypingPing = 0;

    const updateCount = () => {
      const length = text.value.length;
      count.textContent = `${length.toLocaleString()} / ${max.toLocaleString()}`;
      count.classList.toggle("over", length > max);
    };
    updateCount();

    text.addEventListener("input", () => {
      updateCount();
      showCanned(form, text);
      const now = Date.now();
      if (article && text.value && now - lastTypingPing > 4000) {
        lastTypingPing = now;
        fetch(article.dataset.typingUrl, { method: "POST", headers: { "X-CSRFToken": csrf() } });
      }
    });
    text.addEventListener("keydown", (event) => {
      const list = $("[data-canned-list]", form);
      if (!list.hidden && ["ArrowDown", "ArrowUp", "Enter", "Escape", "Tab"].includes(event.key)) {
        cannedKeys(event, form, text, list);
        return;
      }
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (text.value.trim() || $("input[type=file]", form)?.files.length) form.requestSubmit();
      }
    });
    $$("[data-builder]", form).forEach((builder) => setupBuilder(builder));
  }

  function resetComposer() {
    const form = $("[data-composer]");
    if (!form) return;
    $("[data-reply-text]", form).value = "";
    $("[data-reply-text]", form).dispatchEvent(new Event("input"));
    $$("textarea.builder-raw", form).forEach((raw) => { raw.value = ""; });
    $$("[data-builder]", form).forEach((builder) => renderBuilder(builder));
    $$("[data-tweet-this] input, [data-tweet-this] textarea", form).forEach((field) => { field.value = ""; });
    const file = $("input[type=file]", form);
    if (file) file.value = "";
    $("[data-idempotency-key]", form).value = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()));
    $$(".errorlist", form).forEach((error) => error.remove());
    $("[data-reply-text]", form).focus();
  }

  /* Canned responses: "/short" at the start of the reply offers matching ones. */
  let cannedTimer = null;
  function showCanned(form, text) {
    const list = $("[data-canned-list]", form);
    const match = /^\/(\S*)$/.exec(text.value);
    clearTimeout(cannedTimer);
    if (!match) { list.hidden = true; return; }
    cannedTimer = setTimeout(async () => {
      const response = await fetch(`${form.dataset.cannedUrl}?q=${encodeURIComponent(match[1])}`);
      const data = await response.json();
      list.innerHTML = "";
      data.results.forEach((item, index) => {
        const option = document.createElement("li");
        option.setAttribute("role", "option");
        option.id = `canned-${index}`;
        option.textContent = `/${item.shortcut} — ${item.title}`;
        option.addEventListener("mousedown", (event) => { event.preventDefault(); useCanned(form, text, item); });
        option._canned = item;
        list.appendChild(option);
      });
      list.hidden = data.results.length === 0;
      if (!list.hidden) selectCanned(list, 0);
    }, 120);
  }
  function selectCanned(list, index) {
    const items = $$("li", list);
    items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
    list.dataset.index = String(index);
  }
  function cannedKeys(event, form, text, list) {
    const items = $$("li", list);
    let index = parseInt(list.dataset.index || "0", 10);
    if (event.key === "ArrowDown") { event.preventDefault(); selectCanned(list, (index + 1) % items.length); }
    else if (event.key === "ArrowUp") { event.preventDefault(); selectCanned(list, (index - 1 + items.length) % items.length); }
    else if (event.key === "Escape") { list.hidden = true; }
    else { event.preventDefault(); useCanned(form, text, items[index]._canned); }
  }
  function useCanned(form, text, item) {
    text.value = item.text;
    $("[data-canned-list]", form).hidden = true;
    const quick = $("textarea[name=quick_replies]", form);
    const buttons = $("textarea[name=buttons]", form);
    if (quick && item.quick_replies.length) {
      quick.value = item.quick_replies.map((o) => [o.label, o.description || "", o.metadata || ""].join(" | ").replace(/( \| )+$/, "")).join("\n");
    }
    if (buttons && item.buttons.length) buttons.value = item.buttons.map((b) => `${b.label} | ${b.url}`).join("\n");
    $$("[data-builder]", form).forEach((builder) => renderBuilder(builder));
    text.dispatchEvent(new Event("input"));
    text.focus();
  }

  /* Quick-reply and button builders: rows of inputs written back to the raw textarea (one
     option per line), with Twitter's limits shown as you type. */
  function parseRaw(raw) {
    return raw.value.split("\n").filter((line) => line.trim()).map((line) => line.split("|").map((part) => part.trim()));
  }
  function setupBuilder(builder) {
    builder.closest("details").querySelector(".builder-raw").classList.add("enhanced");
    builder.closest("details").querySelector(".builder-raw-label").classList.add("enhanced");
    renderBuilder(builder);
  }
  function renderBuilder(builder) {
    const kind = builder.dataset.builder;
    const raw = builder.parentElement.querySelector(".builder-raw");
    const rows = parseRaw(raw);
    const fields = kind === "buttons" ? [["Label", "label-max"], ["https://…", null]] : [["Label", "label-max"], ["Description (optional)", "description-max"], ["Metadata (optional)", "metadata-max"]];
    builder.innerHTML = "";
    const write = () => {
      raw.value = $$(".builder-row", builder).map((row) => $$("input", row).map((input) => input.value.trim()))
        .filter((values) => values.some(Boolean))
        .map((values) => values.join(" | ").replace(/( \| )+$/, ""))
        .join("\n");
      check();
    };
    const check = () => {
      const problems = [];
      const rowsNow = $$(".builder-row", builder);
      rowsNow.forEach((row, index) => {
        $$("input", row).forEach((input, column) => {
          const limit = fields[column][1] ? parseInt(builder.dataset[fields[column][1].replace(/-(.)/g, (m, c) => c.toUpperCase())], 10) : null;
          const over = limit && input.value.length > limit;
          input.setAttribute("aria-invalid", over ? "true" : "false");
          if (over) problems.push(`Option ${index + 1}: ${fields[column][0].replace(" (optional)", "").toLowerCase()} is ${input.value.length} characters; at most ${limit}.`);
          if (kind === "buttons" && column === 1 && input.value && !/^https?:\/\/\S+$/.test(input.value)) problems.push(`Button ${index + 1}: the link must start with http:// or https://.`);
        });
      });
      if (kind === "quick_replies") {
        const described = rowsNow.map((row) => Boolean($$("input", row)[1].value.trim())).filter((_, i) => $$("input", rowsNow[i])[0].value.trim());
        if (described.some(Boolean) && !described.every(Boolean)) problems.push("Give every option a description, or none.");
      }
      add.disabled = rowsNow.length >= parseInt(builder.dataset.max, 10);
      status.textContent = problems.join(" ");
    };
    const addRow = (values) => {
      const row = document.createElement("div");
      row.className = "builder-row";
      fields.forEach(([placeholder], column) => {
        const input = document.createElement("input");
        input.type = kind === "buttons" && column === 1 ? "url" : "text";
        input.placeholder = placeholder;
        input.setAttribute("aria-label", `${kind === "buttons" ? "Button" : "Option"} ${$$(".builder-row", builder).length + 1}: ${placeholder}`);
        input.value = values[column] || "";
        input.addEventListener("input", write);
        row.appendChild(input);
      });
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button button-small";
      remove.textContent = "Remove";
      remove.addEventListener("click", () => { row.remove(); write(); });
      row.appendChild(remove);
      builder.insertBefore(row, add);
    };
    const add = document.createElement("button");
    add.type = "button";
    add.className = "button button-small";
    add.textContent = kind === "buttons" ? "Add a button" : "Add an option";
    add.addEventListener("click", () => { addRow([]); check(); $$("input", builder).slice(-fields.length)[0].focus(); });
    builder.appendChild(add);
    const status = document.createElement("p");
    status.className = "builder-status error-text";
    status.setAttribute("role", "status");
    builder.appendChild(status);
    rows.forEach((values) => addRow(values));
    check();
  }

  /* --- The thread keeps its scroll position when it refreshes ------------------------- */
  let threadAtBottom = true;
  let threadScrollTop = 0;
  document.addEventListener("htmx:beforeSwap", (event) => {
    const thread = $("#thread");
    if (thread && event.detail.target === thread) {
      threadAtBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 80;
      threadScrollTop = thread.scrollTop;
    }
  });
  document.addEventListener("htmx:afterSwap", () => {
    const thread = $("#thread");
    if (thread) thread.scrollTop = threadAtBottom ? thread.scrollHeight : threadScrollTop;
    setupComposer($("[data-composer]"));
  });
  document.addEventListener("roost:replied", () => { threadAtBottom = true; resetComposer(); });

  /* --- Keyboard shortcuts -------------------------------------------------------------- */
  let pendingG = false;
  function moveSelection(step) {
    const links = $$("[data-conversation-link]");
    if (!links.length) return;
    let index = links.findIndex((link) => link.classList.contains("is-highlighted"));
    if (index === -1) index = links.findIndex((link) => link.getAttribute("aria-current") === "true");
    const next = links[Math.max(0, Math.min(links.length - 1, index + step))];
    links.forEach((link) => link.classList.remove("is-highlighted"));
    next.classList.add("is-highlighted");
    next.focus();
  }
  document.addEventListener("keydown", (event) => {
    if (event.metaKey || event.ctrlKey || event.altKey || typingTarget(event.target)) return;
    const key = event.key;
    if (pendingG) { pendingG = false; if (key === "i") { window.location.href = "/"; } return; }
    const click = (selector) => { const el = $(selector); if (el) { event.preventDefault(); el.click(); } };
    if (key === "j") { event.preventDefault(); moveSelection(1); }
    else if (key === "k") { event.preventDefault(); moveSelection(-1); }
    else if (key === "r") { const text = $("[data-reply-text]"); if (text) { event.preventDefault(); text.focus(); } }
    else if (key === "o") click('button[data-status="open"]');
    else if (key === "p") click('button[data-status="pending"]');
    else if (key === "e") click('button[data-status="resolved"]');
    else if (key === "a") {
      const select = $("[data-assign]");
      if (select) { event.preventDefault(); select.value = "me"; select.dispatchEvent(new Event("change", { bubbles: true })); }
    }
    else if (key === "g") pendingG = true;
    else if (key === "?") { event.preventDefault(); const help = $("#shortcuts"); if (help && !help.open) help.showModal(); }
  });

  /* --- Copy buttons for deep links -------------------------------------------------------- */
  function setupCopy(root) {
    $$("[data-copy]", root).forEach((input) => {
      if (input.dataset.ready) return;
      input.dataset.ready = "1";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button-small";
      button.textContent = "Copy";
      button.addEventListener("click", async () => {
        try { await navigator.clipboard.writeText(input.value); button.textContent = "Copied"; }
        catch (e) { input.select(); }
      });
      input.after(button);
    });
  }

  /* --- Notifications: assignments and customers writing again --------------------------- */
  function toast(title, body, url) {
    const box = $("#toasts");
    if (!box) return;
    const item = document.createElement("a");
    item.className = "toast";
    item.href = url;
    const strong = document.createElement("strong");
    strong.textContent = title;
    const text = document.createElement("span");
    text.textContent = body;
    item.append(strong, text);
    box.appendChild(item);
    setTimeout(() => item.remove(), 12000);
  }
  function startNotifications() {
    const holder = $("[data-notifications-url]");
    if (!holder) return;
    let since = new Date().toISOString();
    const poll = async () => {
      try {
        const response = await fetch(`${holder.dataset.notificationsUrl}?since=${encodeURIComponent(since)}`);
        if (response.ok) {
          const data = await response.json();
          since = data.now;
          data.notifications.forEach((note) => {
            toast(note.title, note.body, note.url);
            if (document.visibilityState !== "visible" && "Notification" in window && Notification.permission === "granted") {
              const desktop = new Notification(note.title, { body: note.body, tag: note.url });
              desktop.onclick = () => { window.focus(); window.location.href = note.url; };
            }
          });
        }
      } catch (e) { /* offline for a moment: try again next time */ }
      setTimeout(poll, document.visibilityState === "visible" ? 10000 : 30000);
    };
    setTimeout(poll, 10000);
    if ("Notification" in window && Notification.permission === "default") {
      const offer = document.createElement("button");
      offer.type = "button";
      offer.className = "button button-small notify-offer";
      offer.textContent = "Turn on desktop notifications";
      offer.addEventListener("click", async () => { await Notification.requestPermission(); offer.remove(); });
      const views = $(".inbox-views");
      if (views) views.appendChild(offer);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    setupComposer($("[data-composer]"));
    setupCopy(document);
    startNotifications();
    const thread = $("#thread");
    if (thread) thread.scrollTop = thread.scrollHeight;
    document.body.addEventListener("htmx:afterSettle", (event) => setupCopy(event.detail.elt));
  });
})();
