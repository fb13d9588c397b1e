/* TrustPay sandbox web chat: several simulated people chatting with the bot side by side.
 *
 * Plain JS, no build step. It talks only to this origin, at paths relative to the page:
 *   <page>/telegram/api/...          the Telegram sandbox's chat control API (send, click, ...)
 *   <page>/telegram/api/events       long-polled for "something changed for user X"
 *   <page>/{setu,razorpayx,telegram}/_control/faults   fault switches
 *   <page>/api/pay, /api/payable     "Pay with UPI" (this package's own API)
 * Bot text is built into DOM nodes from a whitelist of Telegram's HTML tags; never innerHTML.
 *
 * Stable hooks for browser tests (keep them when changing the page):
 *   section[data-person="<lower-case first name>"]   a person's column (also data-user-id)
 *   [data-role=messages]     the chat, oldest first (aria-live="polite")
 *   [data-role=message]      a message: data-from="bot"|"user", data-message-id; an edited
 *                            one has data-edited; its inline buttons are <button> elements
 *                            whose text is the button's label
 *   [data-role=input]        the message box; [data-role=send] its Send button (Enter sends)
 *   [data-role=photo]        file input: send a photo (the text box becomes its caption)
 *   [data-role=pay]          "Pay with UPI", shown while the chat's newest upi://pay link
 *                            can be paid in the Setu simulator
 *   [data-role=toast]        a column's status line: click answers, payments, errors
 *   [data-role=faults]       the Faults panel; in it fieldset[data-sandbox=setu|razorpayx|
 *                            telegram] with one input per switch (name = the field's name)
 *                            and [data-role=fault-reset]
 *   [data-role=add-person]   the "Add person" form; [data-role=person-name] its name box
 *   [data-role=connection]   whether live updates work
 */
(function () {
  "use strict";

  const BASE = location.pathname.replace(/\/+$/, "");
  const TG = BASE + "/telegram/api";
  const BOT = document.body.dataset.bot || "";
  const USERNAME = /^[A-Za-z0-9_]{4,32}$/;
  const UPI_LINK = /upi:\/\/pay\?[^\s<>"']+/i;
  const LINK = /\b(?:https?|upi|tg):\/\/[^\s<>"']+/gi;
  const SAFE_SCHEMES = ["http:", "https:", "tg:", "upi:"];
  const columns = new Map(); // user id -> column state

  // ---- small helpers

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    node.append(...children.filter((child) => child !== null && child !== undefined));
    return node;
  }

  async function call(url, options) {
    const response = await fetch(url, options);
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const why = body && (body.error || body.description || body.detail);
      throw new Error(typeof why === "string" ? why : `${response.status} ${response.statusText}`);
    }
    return body;
  }

  const postJson = (url, body) =>
    call(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  // ---- Telegram HTML, rebuilt from a whitelist

  const TAGS = {
    b: "b", strong: "b", i: "i", em: "i", u: "u", ins: "u", s: "s", strike: "s", del: "s",
    code: "code", pre: "pre", a: "a", "tg-spoiler": "span", span: "span", blockquote: "blockquote",
  };
  const TAG = /<(\/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)>/g;
  const ATTRIBUTE = /([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+)))?/g;
  const CHARREF = /&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});/g;
  const NAMED = { lt: "<", gt: ">", amp: "&", quot: '"' };

  function decode(text) {
    return text.replace(CHARREF, (whole, ref) => {
      if (ref in NAMED) return NAMED[ref];
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    });
  }

  function safeHref(url) {
    try {
      return SAFE_SCHEMES.includes(new URL(url).protocol) ? url : null;
    } catch {
      return null;
    }
  }

  function link(href, text) {
    const external = /^https?:/i.test(href);
    return el("a", { href, target: external ? "_blank" : null, rel: external ? "noopener noreferrer" : null }, text);
  }

  /* Text into `parent`, with bare URLs (upi://pay?... too) made links, as Telegram does. */
  function addText(parent, text) {
    if (!text) return;
    if (parent.closest("a")) return parent.append(text);
    let last = 0;
    for (const match of text.matchAll(LINK)) {
      const url = match[0].replace(/[.,;:!?)\]]+$/, "");
      parent.append(text.slice(last, match.index));
      parent.append(safeHref(url) ? link(url, url) : url);
      last = match.index + url.length;
    }
    parent.append(text.slice(last));
  }

  function attributes(raw) {
    const found = {};
    for (const match of (raw || "").matchAll(ATTRIBUTE)) {
      found[match[1].toLowerCase()] = decode(match[2] ?? match[3] ?? match[4] ?? "");
    }
    return found;
  }

  /* The element a whitelisted tag becomes, or null to keep its text but drop the tag. */
  function openTag(name, raw) {
    const attrs = attributes(raw);
    if (name === "a") {
      const href = safeHref(attrs.href || "");
      if (!href) return null;
      return link(href);
    }
    if (name === "span" && !(attrs.class || "").split(/\s+/).includes("tg-spoiler")) return null;
    if (name === "span" || name === "tg-spoiler") {
      const spoiler = el("span", { class: "spoiler", tabindex: "0", title: "Spoiler: click to show" });
      spoiler.addEventListener("click", () => spoiler.classList.add("shown"));
      return spoiler;
    }
    return document.createElement(TAGS[name]);
  }

  function renderHtml(source, into) {
    const stack = [{ name: null, node: into }];
    let last = 0;
    for (const match of source.matchAll(TAG)) {
      addText(stack[stack.length - 1].node, decode(source.slice(last, match.index)));
      last = match.index + match[0].length;
      const name = match[2].toLowerCase();
      if (!(name in TAGS)) continue;
      if (match[1]) {
        const at = stack.map((entry) => entry.name).lastIndexOf(name);
        if (at > 0) stack.length = at;
        continue;
      }
      const parent = stack[stack.length - 1].node;
      const node = openTag(name, match[3]);
      if (node) parent.append(node);
      stack.push({ name, node: node || parent });
    }
    addText(stack[stack.length - 1].node, decode(source.slice(last)));
  }

  // ---- messages

  function clock(unix) {
    return new Date(unix * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  /* A deep link to this bot (t.me/<bot>?start=X, maybe inside t.me/share/url): its payload. */
  function deepLinkPayload(url) {
    try {
      let target = new URL(url);
      if (target.hostname === "t.me" && target.pathname === "/share/url") {
        target = new URL(target.searchParams.get("url") || "");
      }
      const bot = target.pathname.replace(/^\//, "").toLowerCase();
      if (target.hostname === "t.me" && bot === BOT.toLowerCase()) return target.searchParams.get("start");
    } catch {
      /* not a URL: no deep link */
    }
    return null;
  }

  function keyboardButton(column, message, spec) {
    const button = el("button", { type: "button", class: "key" }, spec.text);
    if ("callback_data" in spec) {
      button.addEventListener("click", () => click(column, message, spec.callback_data, button));
    } else if (spec.url && safeHref(spec.url)) {
      button.classList.add("url");
      button.title = `Opens ${spec.url}`;
      button.addEventListener("click", () => openUrl(column, spec.url));
    } else {
      button.disabled = true;
      button.title = "This kind of button does nothing in the sandbox";
    }
    return button;
  }

  function keyboard(column, message) {
    const rows = (message.reply_markup && message.reply_markup.inline_keyboard) || [];
    if (!rows.length) return null;
    const box = el("div", { class: "keyboard", role: "group", "aria-label": "Buttons" });
    for (const row of rows) {
      box.append(el("div", { class: "row" }, ...row.map((spec) => keyboardButton(column, message, spec))));
    }
    return box;
  }

  function messageBody(message) {
    const body = el("div", { class: "text" });
    if (message.html) renderHtml(message.html, body);
    else addText(body, message.text || message.caption || "");
    return body.childNodes.length ? body : null;
  }

  function fillMessage(node, column, message) {
    node.replaceChildren();
    node.toggleAttribute("data-edited", Boolean(message.edit_date));
    if (message.photo) {
      const alt = message.from_bot ? "Picture from the bot (a payment QR code?)" : "Photo you sent";
      const image = el("img", { src: message.photo, alt, class: "photo" });
      image.addEventListener("load", () => stickToBottom(column));
      node.append(image);
    }
    const body = messageBody(message);
    if (body) node.append(body);
    if (message.document) {
      const name = message.document.file_name || "document";
      node.append(el("a", { href: message.document.url, download: name, class: "document" }, "📄 " + name));
    }
    const buttons = keyboard(column, message);
    if (buttons) node.append(buttons);
    const meta = el("span", { class: "meta" }, clock(message.date));
    if (message.edit_date) meta.append(" · ", el("span", { class: "edited" }, "edited"));
    node.append(meta);
  }

  function latestUpiLink(messages) {
    for (const message of [...messages].reverse()) {
      const texts = [message.text, message.caption];
      for (const row of (message.reply_markup && message.reply_markup.inline_keyboard) || []) {
        texts.push(...row.map((button) => button.url));
      }
      for (const text of texts) {
        const found = text && text.match(UPI_LINK);
        if (found) return found[0];
      }
    }
    return null;
  }

  function render(column, messages) {
    const list = column.list;
    const present = new Set();
    let previous = null;
    let added = false;
    for (const message of messages) {
      present.add(message.message_id);
      const signature = JSON.stringify({ ...message, answers: null });
      let entry = column.messages.get(message.message_id);
      if (!entry) {
        const from = message.from_bot ? "bot" : "user";
        const node = el("li", { class: `msg ${from}`, "data-role": "message", "data-from": from, "data-message-id": String(message.message_id) });
        entry = { node, signature: null };
        column.messages.set(message.message_id, entry);
        added = true;
      }
      if (entry.signature !== signature) {
        fillMessage(entry.node, column, message);
        entry.signature = signature;
      }
      const want = previous ? previous.nextSibling : list.firstChild;
      if (want !== entry.node) list.insertBefore(entry.node, want);
      previous = entry.node;
      announceAnswers(column, message);
    }
    for (const [id, entry] of column.messages) {
      if (!present.has(id)) {
        entry.node.remove();
        column.messages.delete(id);
      }
    }
    if (added) stickToBottom(column);
    column.primed = true;
    const link = latestUpiLink(messages);
    if (link !== column.upiLink) {
      column.upiLink = link;
      column.payable = false;
      if (link) checkPayable(column, link);
    }
    showPay(column);
  }

  function showPay(column) {
    column.pay.hidden = !column.upiLink || !column.payable || column.paidLinks.has(column.upiLink);
  }

  /* Ask the server whether the link can still be paid (not paid yet, simulator on). */
  async function checkPayable(column, link) {
    const answer = await call(`${BASE}/api/payable?link=${encodeURIComponent(link)}`).catch(() => ({ payable: true }));
    if (column.upiLink === link) {
      column.payable = answer.payable;
      showPay(column);
    }
  }

  /* Follow the chat's end, as a messenger does, unless the person scrolled up to read. */
  function stickToBottom(column) {
    if (column.stick) column.list.scrollTop = column.list.scrollHeight;
  }

  function atBottom(list) {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 60;
  }

  function announceAnswers(column, message) {
    for (const answer of message.answers || []) {
      if (column.seenAnswers.has(answer.callback_query_id)) continue;
      column.seenAnswers.add(answer.callback_query_id);
      if (column.primed && answer.text) toast(column, answer.text, answer.show_alert ? "alert" : "info");
    }
  }

  // ---- columns and what people do

  function toast(column, text, kind) {
    const area = column.toast;
    area.textContent = text;
    area.dataset.kind = kind || "info";
    clearTimeout(column.toastTimer);
    const ms = kind === "info" ? 4000 : 9000;
    column.toastTimer = setTimeout(() => {
      area.textContent = "";
    }, ms);
  }

  async function refresh(column) {
    if (column.loading) {
      column.again = true;
      return;
    }
    column.loading = true;
    try {
      do {
        column.again = false;
        render(column, await call(`${TG}/users/${column.userId}/messages`));
      } while (column.again);
    } finally {
      column.loading = false;
    }
  }

  const refreshAll = () => Promise.all([...columns.values()].map(refresh));

  function who(column) {
    const me = { first_name: column.firstName };
    if (USERNAME.test(column.username)) me.username = column.username;
    return me;
  }

  async function send(column) {
    const text = column.input.value;
    if (!text.trim()) return;
    try {
      await postJson(`${TG}/users/${column.userId}/send`, { text, ...who(column) });
      column.input.value = "";
      await refresh(column);
    } catch (error) {
      toast(column, `Not sent: ${error.message}`, "error");
    }
  }

  async function sendPhoto(column, file) {
    const form = new FormData();
    form.append("photo", file, file.name);
    if (column.input.value.trim()) form.append("caption", column.input.value);
    for (const [key, value] of Object.entries(who(column))) form.append(key, value);
    try {
      await call(`${TG}/users/${column.userId}/photo`, { method: "POST", body: form });
      column.input.value = "";
      await refresh(column);
    } catch (error) {
      toast(column, `Photo not sent: ${error.message}`, "error");
    }
  }

  async function click(column, message, data, button) {
    button.disabled = true;
    try {
      await postJson(`${TG}/users/${column.userId}/click`, { message_id: message.message_id, callback_data: data });
    } catch (error) {
      toast(column, `Button failed: ${error.message}`, "error");
    } finally {
      button.disabled = false;
    }
  }

  function openUrl(column, url) {
    const payload = deepLinkPayload(url);
    const other = [...columns.values()].find((candidate) => candidate !== column);
    if (payload && other) {
      other.input.value = `/start ${payload}`;
      other.input.focus();
      toast(column, `In the sandbox, sharing fills ${other.firstName}'s message box: press Send there.`, "info");
      return;
    }
    window.open(url, "_blank", "noopener");
  }

  async function pay(column) {
    column.pay.disabled = true;
    toast(column, "Paying…", "info");
    try {
      const paid = await postJson(`${BASE}/api/pay`, { user_id: column.userId, upi_link: column.upiLink || "" });
      toast(column, paid.message, "success");
      column.paidLinks.add(column.upiLink);
      showPay(column);
    } catch (error) {
      toast(column, error.message, "error");
      checkPayable(column, column.upiLink); // already paid: the button goes
    } finally {
      column.pay.disabled = false;
    }
  }

  function track(section) {
    const role = (name) => section.querySelector(`[data-role=${name}]`);
    const { userId, firstName, username } = section.dataset;
    const column = {
      section, userId: Number(userId), firstName, username: username || "",
      list: role("messages"), toast: role("toast"), pay: role("pay"), input: role("input"),
      messages: new Map(), seenAnswers: new Set(), paidLinks: new Set(),
      stick: true, primed: false, loading: false, again: false, upiLink: null, payable: false,
    };
    role("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      send(column);
    });
    const photo = role("photo");
    photo.addEventListener("change", () => {
      if (photo.files.length) sendPhoto(column, photo.files[0]).finally(() => (photo.value = ""));
    });
    column.pay.addEventListener("click", () => pay(column));
    column.list.addEventListener("scroll", () => (column.stick = atBottom(column.list)), { passive: true });
    columns.set(column.userId, column);
    return column;
  }

  function slugFor(name, userId) {
    const slug = name.trim().toLowerCase();
    const taken = [...document.querySelectorAll("section[data-person]")].some((s) => s.dataset.person === slug);
    return taken ? `${slug}-${userId}` : slug;
  }

  function addColumn(person) {
    if (columns.has(person.user_id)) return columns.get(person.user_id);
    const template = document.querySelector("[data-role=column-template]");
    const section = template.content.querySelector("section").cloneNode(true);
    const id = String(person.user_id);
    const username = person.username || "";
    Object.assign(section.dataset, { person: slugFor(person.first_name, id), userId: id, firstName: person.first_name, username });
    section.setAttribute("aria-labelledby", `person-${id}`);
    const fill = (slot, text) => (section.querySelector(`[data-slot=${slot}]`).textContent = text);
    section.querySelector("[data-slot=name]").id = `person-${id}`;
    fill("name", person.first_name);
    fill("handle", person.username ? `@${person.username}` : "");
    fill("role", person.role_hint || "");
    fill("id", id);
    document.querySelector("[data-role=people]").append(section);
    return track(section);
  }

  function addPerson(name) {
    const ids = [...columns.keys()];
    const person = { user_id: Math.max(3000, ...ids) + 1, first_name: name.trim().slice(0, 64) };
    const handle = person.first_name.toLowerCase().replace(/[^a-z0-9_]/g, "");
    if (USERNAME.test(handle)) person.username = handle;
    // Once they write, the sandbox knows them: a reload shows their column again.
    const column = addColumn(person);
    refresh(column).catch(() => {});
    column.section.scrollIntoView({ behavior: "smooth", inline: "end", block: "nearest" });
    column.input.focus();
  }

  /* Anyone the Telegram sandbox knows but the page does not show yet gets a column. */
  async function discoverUsers() {
    const users = await call(`${TG}/users`);
    for (const user of users) {
      if (!columns.has(user.id)) {
        refresh(addColumn({ user_id: user.id, first_name: user.first_name, username: user.username })).catch(() => {});
      }
    }
  }

  // ---- live updates

  function connection(text) {
    document.querySelector("[data-role=connection]").textContent = text;
  }

  async function handle(events) {
    const users = new Set();
    let unknown = false;
    for (const event of events) {
      if (event.kind === "reset") return refreshAll();
      if (event.user_id === null) continue;
      if (columns.has(event.user_id)) users.add(event.user_id);
      else unknown = true;
    }
    if (unknown) await discoverUsers();
    await Promise.all([...users].map((id) => refresh(columns.get(id))));
  }

  async function follow() {
    let cursor = null;
    let delay = 1000;
    for (;;) {
      try {
        if (cursor === null) {
          cursor = (await call(`${TG}/events?after=0&wait=0`)).last;
          await refreshAll();
        }
        const asked = Date.now();
        const got = await call(`${TG}/events?after=${cursor}&wait=25`);
        // An empty answer long before `wait` means the sandbox is closing: do not spin.
        if (!got.events.length && Date.now() - asked < 1000) await sleep(2000);
        if (got.last < cursor) {
          cursor = null; // the sandbox restarted: start over
          continue;
        }
        cursor = got.last;
        connection("");
        delay = 1000;
        await handle(got.events);
      } catch (error) {
        connection(`Live updates paused (${error.message}); refreshing every few seconds.`);
        await refreshAll().catch(() => {});
        await sleep(delay);
        delay = Math.min(delay * 2, 30000);
      }
    }
  }

  // ---- fault switches

  function faultInput(name, value, kind) {
    if (kind === "bool") return el("input", { name, "data-kind": kind, type: "checkbox", checked: Boolean(value) });
    const number = kind === "int" || kind === "float";
    const step = kind === "int" ? "1" : "any";
    return el("input", { name, "data-kind": kind, type: number ? "number" : "text", min: number && "0", step: number && step, value: String(value ?? "") });
  }

  function fillFaults(fieldset, faults) {
    const kinds = JSON.parse(fieldset.dataset.fields || "{}");
    const box = fieldset.querySelector("[data-role=fault-fields]");
    box.replaceChildren();
    for (const [field, value] of Object.entries(faults)) {
      const kind = (kinds[field] && kinds[field].kind) || { boolean: "bool", number: "float" }[typeof value] || "text";
      const input = faultInput(field, value, kind);
      const text = field.replace(/_/g, " ");
      box.append(kind === "bool" ? el("label", { class: "check" }, input, text) : el("label", {}, text, input));
    }
  }

  function faultValue(input) {
    if (input.type === "checkbox") return input.checked;
    return input.type === "number" ? Number(input.value || 0) : input.value;
  }

  function setupFaults() {
    const panel = document.querySelector("[data-role=faults]");
    if (!panel) return;
    for (const fieldset of panel.querySelectorAll("fieldset[data-sandbox]")) {
      const url = `${BASE}/${fieldset.dataset.sandbox}/_control/faults`;
      const status = fieldset.querySelector("[data-role=fault-status]");
      const apply = async (body, done) => {
        try {
          fillFaults(fieldset, await postJson(url, body));
          status.textContent = done;
        } catch (error) {
          status.textContent = `Not changed: ${error.message}`;
          fieldset.load(); // show what is really set, not what was typed
        }
      };
      fieldset.addEventListener("change", (event) => {
        const input = event.target;
        if (input.name) apply({ [input.name]: faultValue(input) }, `Set ${input.name.replace(/_/g, " ")}.`);
      });
      fieldset.querySelector("[data-role=fault-reset]").addEventListener("click", () => {
        const defaults = Object.fromEntries(
          Object.entries(JSON.parse(fieldset.dataset.fields || "{}")).map(([field, spec]) => [field, spec.default]),
        );
        apply(defaults, "Back to normal.");
      });
      fieldset.load = () =>
        call(url).then(
          (faults) => fillFaults(fieldset, faults),
          (error) => (status.textContent = `Could not load: ${error.message}`),
        );
    }
    panel.addEventListener("toggle", () => {
      if (panel.open) panel.querySelectorAll("fieldset[data-sandbox]").forEach((fieldset) => fieldset.load());
    });
  }

  // ---- start

  function start() {
    document.querySelectorAll("[data-role=people] > section[data-person]").forEach(track);
    document.querySelector("[data-role=add-person]").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = event.target.querySelector("[data-role=person-name]");
      if (input.value.trim()) addPerson(input.value);
      input.value = "";
    });
    setupFaults();
    follow();
  }

  start();
})();
