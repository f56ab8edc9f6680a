// The rulebook browser: every rule of GET /api/rules, searchable by id, word, field or
// conclusion; each topic's decision table; the example cases that fire each rule, linked
// to the playground. The DOM is built with textContent only (no HTML from data), and no
// inline style or script (the page's Content-Security-Policy forbids them).

const NO_CONDITION = "—";
const MARK = / \[([A-Z]+)\]$/;

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) node.setAttribute(name, "");
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// A field name or rule id that may break after each underscore or hyphen, so narrow
// columns stay narrow and nothing is cut.
function breakable(text, separator) {
  const span = element("span");
  text.split(separator).forEach((piece, index, pieces) => {
    span.append(piece + (index < pieces.length - 1 ? separator : ""));
    if (index < pieces.length - 1) span.append(element("wbr"));
  });
  return span;
}

export function ruleAnchor(ruleId) {
  return "rule-" + ruleId;
}

// The playground's shareable link for an example case: its answers in the URL fragment
// (#field=value&...), which the playground reads and a browser never sends to the server.
export function playgroundLink(example) {
  const answers = new URLSearchParams();
  for (const [field, value] of Object.entries(example.answers || {})) answers.append(field, String(value));
  return "/#" + answers.toString();
}

// What a search matches in a rule: id, title, conditions, conclusions, rationale, source
// and evidence (words), the fields its decision-table row sets conditions on, and the
// example cases that fire it.
function haystack(rule, fields) {
  return [rule.id, rule.title, rule.topic, rule.topic_title, rule.phase, ...rule.when, ...rule.then,
          rule.rationale, rule.source, rule.evidence || "", ...fields, ...fields.map((f) => f.replace(/_/g, " ")),
          ...rule.fired_by_cases].join("\n").toLowerCase();
}

export function matches(text, query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return words.every((word) => text.includes(word));
}

function cellNode(parts) {
  if (!parts.length) return element("td", { class: "none", "aria-label": "no condition" }, NO_CONDITION);
  const cell = element("td");
  for (const part of parts) {
    const found = part.match(MARK);
    const line = element("div", { class: "part" }, found ? part.slice(0, found.index) : part);
    if (found) line.append(" ", element("span", { class: "mark", title: `group ${found[1]}: see the groups column` }, `[${found[1]}]`));
    cell.append(line);
  }
  return cell;
}

function decisionTable(topic) {
  const table = topic.decision_table;
  const head = element("tr", {}, element("th", { scope: "col", class: "rule-col" }, "rule"));
  for (const column of table.columns) {
    head.append(element("th", { scope: "col", class: `col-${column.kind}` },
      column.kind === "answer" ? breakable(column.label, "_") : column.label));
  }
  const body = element("tbody");
  for (const row of table.rows) {
    const tr = element("tr", { "data-rule": row.rule });
    tr.append(element("th", { scope: "row", class: "rule-col" },
      element("a", { href: "#" + ruleAnchor(row.rule), title: row.title }, breakable(row.rule, "-"))));
    row.cells.forEach((parts, index) => {
      const cell = cellNode(parts);
      cell.classList.add(`col-${table.columns[index].kind}`);
      tr.append(cell);
    });
    body.append(tr);
  }
  const columns = table.columns.filter((c) => c.kind === "answer" || c.kind === "concluded").length;
  return element("details", { class: "decision-table", id: `table-${topic.topic}`,
                              "data-rules": table.rows.length, "data-columns": columns },
    element("summary", {}, tableSummary(table.rows.length, table.rows.length, columns, columns)),
    element("div", { class: "table-scroll", tabindex: "0", role: "region",
                     "aria-label": `Decision table: ${topic.title}` },
      element("table", {}, element("thead", {}, head), body)));
}

function tableSummary(shownRows, rows, shownColumns, columns) {
  const what = shownRows === rows ? `${rows} rules` : `${shownRows} of ${rows} rules`;
  const on = shownColumns === columns ? `${columns} conditions` :
    `${shownColumns} of ${columns} conditions (the others are set by none of these rules)`;
  return `Decision table: ${what} × ${on}`;
}

// After a search: only the rows of the rules found, and only the condition columns one of
// them sets (the groups and conclusion columns stay).
function filterTable(details) {
  const rows = [...details.querySelectorAll("tbody tr")];
  const visible = rows.filter((row) => !row.hidden);
  const head = [...details.querySelectorAll("thead th")];
  let shownColumns = 0;
  head.forEach((th, index) => {
    const condition = th.classList.contains("col-answer") || th.classList.contains("col-concluded");
    const used = !condition || visible.length === 0 ||
      visible.some((row) => !row.children[index].classList.contains("none"));
    if (condition && used) shownColumns += 1;
    th.hidden = !used;
    for (const row of rows) row.children[index].hidden = !used;
  });
  details.querySelector("summary").textContent = tableSummary(visible.length,
    Number(details.dataset.rules), shownColumns, Number(details.dataset.columns));
}

function list(items, className) {
  const ul = element("ul", { class: className });
  for (const item of items) ul.append(element("li", {}, item));
  return ul;
}

function sourcesNode(rule) {
  const ul = element("ul", { class: "sources" });
  for (const source of rule.sources) {
    const label = `[${source.key}]` + (source.detail ? ` ${source.detail}` : "");
    const li = element("li", {}, element("strong", {}, label), " ", source.citation);
    if (source.url) {
      li.append(" ", element("a", { href: source.url, rel: "noopener noreferrer external" }, source.url));
    }
    ul.append(li);
  }
  return ul;
}

function casesNode(rule, examples) {
  const count = rule.fired_by_cases.length;
  if (!count) return element("p", { class: "cases none" }, "No example case fires this rule.");
  const ul = element("ul", { class: "case-list" });
  for (const file of rule.fired_by_cases) {
    const example = examples.get(file);
    ul.append(element("li", {}, element("a", { href: playgroundLink(example), title: example.note || "" },
      example.case_id || file), " ", element("span", { class: "file" }, file)));
  }
  return element("details", { class: "cases" },
    element("summary", {}, `Fired by ${count} example case${count === 1 ? "" : "s"} (open one in the playground)`), ul);
}

function ruleCard(rule, examples) {
  const when = rule.when.length ? list(rule.when, "when") :
    element("p", { class: "when" }, "always, once the earlier phases have run");
  const card = element("article", { class: "rule", id: ruleAnchor(rule.id), "data-rule": rule.id },
    element("h4", {}, element("code", { class: "rule-id" }, rule.id), " ", rule.title),
    element("p", { class: "phase" }, `phase ${rule.phase} (${rule.salience})`),
    element("h5", {}, "When (all of)"), when,
    element("h5", {}, "Then"), list(rule.then, "then"),
    element("h5", {}, "Why"), element("p", { class: "why" }, rule.rationale));
  if (rule.evidence) card.append(element("h5", {}, "Strength of evidence"), element("p", {}, rule.evidence));
  card.append(element("h5", {}, "Sources"), sourcesNode(rule), casesNode(rule, examples));
  return card;
}

// Fields each rule's decision-table row sets conditions on.
function fieldsByRule(topic) {
  const table = topic.decision_table;
  const found = new Map();
  for (const row of table.rows) {
    found.set(row.rule, table.columns.flatMap((column, index) =>
      column.kind === "answer" && row.cells[index].length ? [column.field] : []));
  }
  return found;
}

export function render(documentData, root) {
  const examples = new Map(documentData.example_cases.map((example) => [example.file, example]));
  const kb = documentData.knowledge_base;
  root.querySelector("#rulebook-title").textContent = documentData.title;
  root.querySelector("#rulebook-provenance").textContent =
    `Knowledge base ${kb.version}, digest ${kb.digest}.`;
  const legend = root.querySelector("#table-legend");
  legend.replaceChildren(...documentData.decision_table_legend.map((s) => element("li", {}, s)));
  const index = root.querySelector("#topic-index");
  const topics = root.querySelector("#topics");
  const searchable = [];
  for (const topic of documentData.topics) {
    const fields = fieldsByRule(topic);
    const section = element("section", { class: "topic", id: `topic-${topic.topic}`, "data-topic": topic.topic },
      element("h3", {}, topic.title, " ", element("span", { class: "count" }, `(${topic.rules.length} rules)`)));
    section.append(decisionTable(topic));
    for (const rule of topic.rules) {
      const card = ruleCard(rule, examples);
      section.append(card);
      searchable.push({ card, section, text: haystack(rule, fields.get(rule.id) || []),
                        row: section.querySelector(`tr[data-rule="${CSS.escape(rule.id)}"]`) });
    }
    topics.append(section);
    index.append(element("a", { href: `#topic-${topic.topic}` }, topic.title));
  }
  return searchable;
}

export function applySearch(searchable, query, root) {
  let shown = 0;
  const sections = new Map();
  for (const item of searchable) {
    const hit = !query.trim() || matches(item.text, query);
    item.card.hidden = !hit;
    if (item.row) item.row.hidden = !hit;
    if (hit) shown += 1;
    sections.set(item.section, (sections.get(item.section) || 0) + (hit ? 1 : 0));
  }
  for (const [section, hits] of sections) {
    section.hidden = hits === 0;
    filterTable(section.querySelector("details.decision-table"));
  }
  root.querySelector("#rule-count").textContent = query.trim()
    ? `${shown} of ${searchable.length} rules match` : `${searchable.length} rules`;
  root.querySelector("#no-match").hidden = shown !== 0;
}

async function main() {
  const root = document;
  const status = root.querySelector("#rulebook-status");
  let documentData;
  try {
    const response = await fetch("/api/rules", { headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    documentData = await response.json();
  } catch (error) {
    status.textContent = `The rulebook could not be loaded: ${error.message}.`;
    status.classList.add("error");
    return;
  }
  const searchable = render(documentData, root);
  const unscreened = documentData.example_cases.filter((example) => example.error);
  if (unscreened.length) {
    status.textContent = `${unscreened.length} example case(s) could not be screened: ` +
      unscreened.map((example) => `${example.file}: ${example.error}`).join("; ");
    status.classList.add("error");
  } else {
    status.hidden = true;
  }
  const input = root.querySelector("#rule-search");
  const params = new URLSearchParams(window.location.search);
  if (params.has("q")) input.value = params.get("q");
  const search = () => applySearch(searchable, input.value, root);
  input.addEventListener("input", search);
  root.querySelector("#rule-search-form").addEventListener("submit", (event) => event.preventDefault());
  search();
  root.body.dataset.ready = "true";
  if (window.location.hash) root.getElementById(window.location.hash.slice(1))?.scrollIntoView();
}

main();
