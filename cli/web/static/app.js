// The case playground: the vocabulary as a form, every change re-screened through
// POST /api/explain, the result and its reasoning beside it.  No state on the server: the
// answers live in this page and in the URL fragment (#field=value&...), which a browser
// never sends, so a shared link carries the case without any server keeping it.

const state = {
  vocabulary: [], byField: {}, groups: [], targets: {}, cases: [],
  answers: {},      // field -> value as given (string, or number for number fields)
  extra: {},        // fields of a loaded case that the vocabulary lacks: sent, so the server names them
  doc: null,        // the last explanation document
  focus: null,      // the conclusion whose derivation is highlighted: {target, rules, label}
  step: 0,          // the firing shown by the stepper (0: none)
  detail: null,     // the rule shown in the rule panel: {rule, step} or a why-not entry
  whyNot: "",       // the why-not target asked for
  changeTarget: "", // the what-would-change target chosen
  undo: null,       // the answers before the last one-click try
  fileCases: [],    // the cases of a loaded file holding a list
  seq: 0,           // the newest screening asked for; older answers are ignored
};

const UNKNOWN = "";  // the form's value for "not known": never sent, never the same as no
const URGENCY_WORDS = {emergency: "Emergency: same day", urgent: "Urgent: within days", routine: "Routine"};
const KIND_WORDS = {responder: "Responder type", cause: "Possible cause", exercise: "Exercise",
                    red_flag: "Red flag", urgency: "Urgency"};
const RESCREEN_DELAY_MS = 150;  // typing in a text field re-screens once the typing pauses

// ---------------------------------------------------------------- small helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const $ = (selector) => document.querySelector(selector);
const words = (id) => String(id).replaceAll("_", " ");

async function getJSON(path) {
  const response = await fetch(path, {headers: {accept: "application/json"}});
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

function say(where, text, kind = "info") {
  const box = $(where);
  box.textContent = text;
  box.className = `status status-${kind}`;
}

// ---------------------------------------------------------------- the case

function fieldValue(spec, raw) {
  // A loaded or linked value as the form holds it: a choice by its canonical spelling,
  // a number as a number; anything else kept as given, for the server to name.
  if (raw === null || raw === undefined) return UNKNOWN;
  const text = String(raw).trim();
  if (text === "" || text.toLowerCase() === "unknown") return UNKNOWN;
  if (spec.spellings) return spec.spellings[text.toLowerCase()] ?? raw;
  if (spec.kind === "number" && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return raw;
}

function currentCase() {
  const out = {};
  for (const spec of state.vocabulary) {
    if (spec.field in state.answers) out[spec.field] = state.answers[spec.field];
  }
  return Object.assign(out, state.extra);
}

function setCase(raw) {
  state.answers = {};
  state.extra = {};
  for (const [field, value] of Object.entries(raw)) {
    const spec = state.byField[field];
    if (!spec) { state.extra[field] = value; continue; }
    const held = fieldValue(spec, value);
    if (held !== UNKNOWN) state.answers[field] = held;
  }
  state.focus = null;
  state.step = 0;
  state.detail = null;
  state.undo = null;
  fillForm();
  changed(0);
}

function setAnswer(field, value) {
  if (value === UNKNOWN) delete state.answers[field];
  else state.answers[field] = value;
}

// ---------------------------------------------------------------- the link

function writeFragment() {
  const params = new URLSearchParams();
  for (const [field, value] of Object.entries(currentCase())) {
    params.append(field, typeof value === "string" ? value : JSON.stringify(value));
  }
  const fragment = params.toString();
  history.replaceState(null, "", fragment ? `#${fragment}` : location.pathname);
  $("#share-url").value = location.href;
}

function readFragment() {
  const raw = {};
  for (const [field, value] of new URLSearchParams(location.hash.slice(1))) raw[field] = value;
  return raw;
}

// ---------------------------------------------------------------- the form

function questionBlock(spec) {
  const name = `q-${spec.field}`;
  const block = el("div", {class: "question", dataset: {field: spec.field}});
  block.append(el("p", {class: "question-text", id: `${name}-text`}, spec.question || words(spec.field)));
  if (spec.spellings) {
    const choices = el("div", {class: "choices", role: "radiogroup", "aria-labelledby": `${name}-text`});
    for (const value of [...spec.allowed, UNKNOWN]) {
      const id = `${name}-${value || "unknown"}`;
      const input = el("input", {type: "radio", name, id, value,
                                 onchange: () => { setAnswer(spec.field, value); changed(0); }});
      choices.append(el("span", {class: value === UNKNOWN ? "choice choice-unknown" : "choice"},
                        input, el("label", {for: id}, value === UNKNOWN ? "Unknown" : words(value))));
    }
    block.append(choices);
  } else {
    const id = `${name}-value`;
    const unknownId = `${name}-unknown`;
    const input = el("input", {type: "text", id, class: "value-input", autocomplete: "off",
                               inputmode: spec.kind === "number" ? "decimal" : "text",
                               "aria-labelledby": `${name}-text`, placeholder: spec.allowed.join(", "),
                               oninput: () => {
                                 setAnswer(spec.field, fieldValue(spec, input.value));
                                 $(`#${unknownId}`).checked = !(spec.field in state.answers);
                                 changed(RESCREEN_DELAY_MS);
                               }});
    const unknown = el("input", {type: "radio", name, id: unknownId, value: UNKNOWN,
                                 onchange: () => { input.value = ""; setAnswer(spec.field, UNKNOWN); changed(0); }});
    block.append(el("div", {class: "choices"},
                    el("span", {class: "choice choice-unknown"}, unknown, el("label", {for: unknownId}, "Unknown")),
                    input));
  }
  if (spec.asked_only_when) block.append(el("p", {class: "premise"}, `Asked only when ${spec.asked_only_when}.`));
  if (spec.help) block.append(el("p", {class: "help"}, spec.help));
  block.append(el("p", {class: "field-problem", hidden: true}));
  return block;
}

function buildForm() {
  const form = $("#case-form");
  form.replaceChildren();
  for (const group of state.groups) {
    const set = el("fieldset", {class: `group group-${group.group}`, dataset: {group: group.group}},
                   el("legend", {}, group.title));
    for (const field of group.fields) set.append(questionBlock(state.byField[field]));
    form.append(set);
  }
}

function fillForm() {
  for (const spec of state.vocabulary) {
    const block = document.querySelector(`.question[data-field="${spec.field}"]`);
    if (!block) continue;
    const held = spec.field in state.answers ? state.answers[spec.field] : UNKNOWN;
    block.classList.toggle("answered", held !== UNKNOWN);
    if (spec.spellings) {
      let matched = false;
      for (const radio of block.querySelectorAll("input[type=radio]")) {
        radio.checked = radio.value === String(held);
        matched ||= radio.checked;
      }
      block.classList.toggle("off-vocabulary", !matched);
      block.dataset.given = matched ? "" : String(held);
    } else {
      block.querySelector(".value-input").value = held === UNKNOWN ? "" : String(held);
      block.querySelector("input[type=radio]").checked = held === UNKNOWN;
    }
  }
  const extra = $("#extra-fields");
  extra.replaceChildren(...Object.keys(state.extra).map((field) => el("li", {},
    el("code", {}, field), " is not a question of this rulebook ",
    el("button", {type: "button", class: "small", onclick: () => { delete state.extra[field]; fillForm(); changed(0); }},
       "Remove it"))));
  extra.hidden = Object.keys(state.extra).length === 0;
}

let pending = null;
function changed(delay) {
  fillForm();
  writeFragment();
  clearTimeout(pending);
  pending = setTimeout(rescreen, delay);
}

// ---------------------------------------------------------------- screening

async function rescreen() {
  const seq = ++state.seq;
  document.body.dataset.state = "screening";
  const body = {case: currentCase(), why_not: state.whyNot ? [state.whyNot] : []};
  let response, document_;
  try {
    response = await fetch("/api/explain", {method: "POST", body: JSON.stringify(body),
                                            headers: {"content-type": "application/json"}});
    document_ = await response.json();
  } catch (error) {
    if (seq !== state.seq) return;
    showProblem({message: `The server did not answer (${error.message}); is lbp serve still running?`, problems: []});
    return;
  }
  if (seq !== state.seq) return;  // a newer change is already on its way
  if (!response.ok) { showProblem(document_); return; }
  state.doc = document_;
  $("#case-problem").hidden = true;
  for (const p of document.querySelectorAll(".field-problem")) p.hidden = true;
  for (const q of document.querySelectorAll(".question.has-problem")) q.classList.remove("has-problem");
  renderResult();
  renderReasoning();
  document.body.dataset.state = "ready";
  document.body.dataset.screenings = String(seq);
}

function showProblem(error) {
  state.doc = null;
  const box = $("#case-problem");
  box.hidden = false;
  box.replaceChildren(el("h2", {}, "This case cannot be screened"), el("p", {class: "message"}, error.message));
  for (const p of document.querySelectorAll(".field-problem")) p.hidden = true;
  for (const problem of error.problems || []) {
    const block = document.querySelector(`.question[data-field="${problem.field}"]`);
    if (!block) continue;
    block.classList.add("has-problem");
    const line = block.querySelector(".field-problem");
    line.hidden = false;
    line.textContent = `Given ${JSON.stringify(problem.value)}; expected ${problem.expected}` +
      (problem.suggestion ? ` (did you mean ${problem.suggestion}?)` : "");
  }
  $("#result").replaceChildren();
  $("#reasoning").hidden = true;
  document.body.dataset.state = "error";
  document.body.dataset.screenings = String(state.seq);
}

// ---------------------------------------------------------------- the result

function conclusion(target, rules, text, extraClass = "") {
  // A conclusion of the result: click it to see only its derivation.
  return el("button", {type: "button", class: `conclusion ${extraClass}`.trim(),
                       dataset: {target, rules: rules.join(" ")},
                       "aria-pressed": state.focus?.target === target ? "true" : "false",
                       onclick: () => focusOn(target, rules, text)}, text);
}

function section(id, title, ...body) {
  return el("section", {id, class: "result-part"}, el("h3", {}, title), ...body);
}

function renderResult() {
  const result = state.doc.result;
  const out = [];
  const urgency = result.urgency;
  out.push(el("div", {id: "urgency", class: `urgency urgency-${urgency}`, role: "alert"},
              el("span", {class: "urgency-label"}, "Urgency"),
              conclusion(`urgency=${urgency}`, [], URGENCY_WORDS[urgency] || urgency, "urgency-value")));
  if (result.red_flag_conditions.length) {
    out.push(section("red-flags", "Red flags",
      el("ul", {class: "red-flag-list"}, result.red_flag_conditions.map((flag) => el("li", {},
        conclusion(`red_flag=${flag.condition}`, flag.rules, `${flag.name} (${flag.urgency})`, "red-flag"),
        el("span", {class: "signs"}, " signs: ", flag.signs.map((s) => words(s.id)).join(", ")))))));
  }
  out.push(section("advice", state.doc.notices?.advice?.title || "Professional assessment",
                   el("p", {}, result.professional_assessment.text)));
  if (result.open_questions?.length) {
    out.push(section("open-questions", "Unanswered questions that could still raise a red flag",
      el("ul", {}, result.open_questions.map((q) => el("li", {},
        el("button", {type: "button", class: "link", onclick: () => goToQuestion(q.field)}, q.question),
        ` could raise ${q.could_raise.map((c) => `${words(c.condition)} (${c.urgency})`).join(", ")}`)))));
  }
  const responder = result.responder;
  out.push(section("responder", "Responder type",
    conclusion(`responder=${responder.type}`, [...responder.for, ...responder.against], words(responder.type)),
    el("p", {class: "evidence"}, "For: ", ruleLinks(responder.for)),
    el("p", {class: "evidence"}, "Against: ", ruleLinks(responder.against)),
    el("p", {class: "note"}, responder.basis)));
  out.push(section("causes", "Possible causes", result.possible_causes.length
    ? el("ul", {}, result.possible_causes.map((c) => el("li", {},
        conclusion(`cause=${c.id}`, c.rules, c.name), el("span", {class: "note"}, ` ${c.description || ""}`))))
    : el("p", {class: "none"}, "None concluded from the answers given.")));
  const exercises = result.exercises;
  const lists = [["recommended", "Recommended"], ["avoid", "Avoid"], ["caution", "With caution"]]
    .filter(([key]) => exercises[key].length)
    .map(([key, title]) => el("div", {class: `exercises exercises-${key}`}, el("h4", {}, title),
      el("ul", {}, exercises[key].map((x) => el("li", {},
        conclusion(`exercise=${x.id}`, x.rules, x.name || words(x.id)),
        x.reason ? el("span", {class: "note"}, ` ${x.reason}`) : null)))));
  out.push(section("exercises", "Exercises", lists.length ? lists : el("p", {class: "none"}, "No exercise advice.")));
  if (result.self_care?.length) {
    out.push(section("self-care", "Self-care", el("ul", {}, result.self_care.map((s) => el("li", {}, s.advice)))));
  }
  const risk = result.psychosocial_risk;
  if (risk) {
    out.push(section("psychosocial", "Psychosocial risk (STarT Back)",
      el("p", {}, `Group: ${words(risk.group)}`, risk.group === "not_assessed" ? "" : `, total ${risk.total}`),
      el("p", {class: "note"}, risk.note)));
  }
  if (result.warnings.length) {
    out.push(el("details", {id: "warnings", class: "result-part"}, el("summary", {}, `Warnings (${result.warnings.length})`),
      el("ul", {}, result.warnings.map((w) => el("li", {}, w)))));
  }
  $("#result").replaceChildren(...out);
}

function ruleLinks(rules) {
  if (!rules.length) return "none";
  return rules.map((rule) => el("button", {type: "button", class: "rule-link", onclick: () => showRule(rule)}, rule));
}

function goToQuestion(field) {
  const block = document.querySelector(`.question[data-field="${field}"]`);
  block.scrollIntoView({block: "center"});
  block.querySelector("input").focus();
}

// ---------------------------------------------------------------- the reasoning

function graphIndex() {
  const incoming = {}, outgoing = {};
  for (const edge of state.doc.graph.edges) {
    (incoming[edge.to] ||= []).push(edge.from);
    (outgoing[edge.from] ||= []).push(edge.to);
  }
  return {incoming, outgoing};
}

function stepsConcluding(target, rules) {
  // The firings that concluded a target: its derivation, and the firings of the rules the
  // result names for it.
  const steps = new Set();
  for (const how of state.doc.how) if (how.target === target) for (const d of how.derivation) steps.add(d.step);
  for (const firing of state.doc.trace) if (rules.includes(firing.rule)) steps.add(firing.step);
  return steps;
}

function pathOf(steps) {
  // Graph nodes on the way to these firings (answers -> rules), and the conclusions they drew.
  const {incoming, outgoing} = graphIndex();
  const on = new Set();
  const todo = [...steps].map((s) => `step-${s}`);
  while (todo.length) {
    const node = todo.pop();
    if (on.has(node)) continue;
    on.add(node);
    todo.push(...(incoming[node] || []));
  }
  for (const s of steps) for (const to of outgoing[`step-${s}`] || []) {
    if (to.startsWith("conclusion-")) on.add(to);
  }
  return on;
}

function focusOn(target, rules, label) {
  state.focus = state.focus?.target === target ? null : {target, rules, label};
  state.step = 0;
  if (state.focus && state.doc.what_would_change.some((c) => c.target === target)) state.changeTarget = target;
  renderResult();
  renderReasoning();
  if (state.focus) $("#reasoning").scrollIntoView({block: "start"});
}

function nodeButton(node) {
  const step = node.kind === "rule" ? Number(node.id.slice("step-".length)) : null;
  return el("li", {class: `node node-${node.kind}`, dataset: {node: node.id}},
    el("button", {type: "button", title: node.detail,
                  onclick: step ? () => showRuleOf(step) : null, disabled: step ? null : true},
      node.kind === "rule" ? [el("span", {class: "node-id"}, node.label), el("span", {class: "node-title"}, node.detail)]
                           : node.label));
}

function renderChain() {
  const nodes = state.doc.graph.nodes;
  const byStep = (a, b) => Number(a.id.split("-")[1]) - Number(b.id.split("-")[1]);
  const columns = [
    ["Answers and what was not known", nodes.filter((n) => n.kind === "answer" || n.kind === "absence")],
    ["Rules, in firing order", nodes.filter((n) => n.kind === "rule").sort(byStep)],
    ["Conclusions", nodes.filter((n) => n.kind === "conclusion")],
  ];
  let lit = null, current = null;
  if (state.focus) lit = pathOf(stepsConcluding(state.focus.target, state.focus.rules));
  else if (state.step) {
    const {incoming, outgoing} = graphIndex();
    current = `step-${state.step}`;
    lit = new Set([current, ...(incoming[current] || []), ...(outgoing[current] || [])]);
  }
  $("#chain").replaceChildren(...columns.map(([title, items]) => el("div", {class: "chain-column"},
    el("h4", {}, title), el("ol", {}, items.map((node) => {
      const item = nodeButton(node);
      if (lit) item.classList.add(lit.has(node.id) ? "on-path" : "faded");
      if (node.id === current) item.classList.add("current-step");
      return item;
    })))));
  $("#focus-title").textContent = state.focus
    ? `How this was reached: ${state.focus.label}`
    : state.step ? `Step ${state.step}: what it used and what it concluded`
                 : "Click a conclusion to see how it was reached, or step through the firings.";
  $("#clear-focus").hidden = !state.focus && !state.step;
}

function renderStepper() {
  const total = state.doc.trace.length;
  $("#step-label").textContent = state.step ? `Firing ${state.step} of ${total}` : `${total} firings`;
  $("#step-prev").disabled = state.step <= 1;
  $("#step-next").disabled = state.step >= total;
}

function showStep(step) {
  state.step = step;
  state.focus = null;
  state.detail = {step};
  renderResult();
  renderReasoning();
  $("#rule-detail").scrollIntoView({block: "nearest"});
}

function showRuleOf(step) {
  // On a highlighted derivation a rule opens beside it; otherwise the stepper goes there.
  if (!state.focus) { showStep(step); return; }
  state.detail = {step};
  renderRuleDetail();
  $("#rule-detail").scrollIntoView({block: "nearest"});
}

function showRule(ruleId) {
  const firing = state.doc.trace.find((f) => f.rule === ruleId);
  if (firing) { showStep(firing.step); return; }
  state.detail = {rule: ruleId};
  renderRuleDetail();
}

function truthBadge(truth) {
  return el("span", {class: `truth truth-${truth}`}, truth);
}

function sourceLinks(source) {
  // "[key] where; [key2] ..." -> each cited key with its citation, as a link when it has one.
  const cited = [];
  for (const match of String(source).matchAll(/\[([^\]]+)\]/g)) {
    const known = state.doc.sources.find((s) => s.key === match[1]);
    if (known && !cited.includes(known)) cited.push(known);
  }
  return cited.map((s) => el("li", {}, s.url ? el("a", {href: s.url, rel: "noreferrer"}, s.citation) : s.citation));
}

function ruleDetailBody(entry, status) {
  return [
    el("h4", {}, el("code", {}, entry.rule), " ", entry.title),
    el("p", {class: "rule-status"}, status),
    el("ul", {class: "conditions"}, entry.conditions.map((c) => el("li", {class: `condition truth-${c.truth}-row`},
      truthBadge(c.truth), " ", c.text,
      c.answers && Object.keys(c.answers).length
        ? el("span", {class: "note"}, ` (${Object.entries(c.answers).map(([f, v]) => `${f} = ${v}`).join(", ")})`) : null,
      c.unanswered?.length ? el("span", {class: "note"}, ` not known: ${c.unanswered.join(", ")}`) : null,
      (c.supported_by || []).filter((s) => typeof s === "number").map((s) =>
        el("button", {type: "button", class: "rule-link", onclick: () => showStep(s)}, `from firing ${s}`))))),
    el("p", {}, el("strong", {}, "Why: "), entry.rationale),
    entry.evidence ? el("p", {class: "note"}, el("strong", {}, "Evidence: "), entry.evidence) : null,
    el("p", {class: "note"}, el("strong", {}, "Source: "), entry.source),
    el("ul", {class: "sources"}, sourceLinks(entry.source)),
  ];
}

function renderRuleDetail() {
  const box = $("#rule-detail");
  const detail = state.detail;
  if (!detail) { box.hidden = true; return; }
  let body = null;
  if (detail.step) {
    const entry = state.doc.steps.find((s) => s.step === detail.step);
    if (entry) body = ruleDetailBody(entry, `Fired at step ${entry.step}: every condition held.`);
  } else if (detail.whyNot) {
    body = ruleDetailBody(detail.whyNot, detail.whyNot.fired ? "Fired."
      : `Did not fire: its conditions taken together are ${detail.whyNot.truth}.`);
  } else {
    const entry = state.doc.why_not.flatMap((w) => w.rules).find((r) => r.rule === detail.rule);
    body = entry ? ruleDetailBody(entry, `Did not fire: ${entry.truth}.`)
                 : [el("h4", {}, el("code", {}, detail.rule)), el("p", {}, "This rule did not fire for this case; ask why-not for its conclusion to see its conditions.")];
  }
  if (!body) { box.hidden = true; return; }
  box.hidden = false;
  box.replaceChildren(...body.filter((part) => part !== null));
}

function renderWhyNot() {
  const answer = $("#why-not-answer");
  const entry = state.doc.why_not[0];
  if (!entry) { answer.replaceChildren(); return; }
  answer.replaceChildren(
    el("p", {class: entry.concluded ? "verdict verdict-yes" : "verdict verdict-no"},
       `${entry.target}: ${entry.concluded ? "concluded" : "not concluded"}`),
    entry.rules.length ? el("ul", {class: "why-not-rules"}, entry.rules.map((rule) => el("li", {},
      truthBadge(rule.fired ? "held" : rule.truth), " ",
      el("button", {type: "button", class: "rule-link", onclick: () => {
        state.detail = {whyNot: rule};
        renderRuleDetail();
        $("#rule-detail").scrollIntoView({block: "nearest"});
      }},
         rule.rule), ` ${rule.title}`,
      el("ul", {class: "conditions"}, rule.conditions.map((c) => el("li", {}, truthBadge(c.truth), " ", c.text,
        c.unanswered?.length ? el("span", {class: "note"}, ` (not known: ${c.unanswered.join(", ")})`) : null))))))
      : el("p", {class: "note"}, "No rule concludes this."));
}

function tryButtons(field) {
  const spec = state.byField[field];
  if (!spec?.spellings) {
    return [el("button", {type: "button", class: "small", onclick: () => goToQuestion(field)}, "Answer it in the form")];
  }
  return spec.allowed.map((value) => el("button", {type: "button", class: "small try-answer",
    dataset: {field, value}, onclick: () => {
      state.undo = {...state.answers};
      setAnswer(field, value);
      say("#change-status", `Tried ${field} = ${words(value)}.`);
      changed(0);
    }}, `Try ${words(value)}`));
}

function renderChange() {
  const select = $("#change-target");
  const changes = state.doc.what_would_change;
  if (!changes.some((c) => c.target === state.changeTarget)) state.changeTarget = changes[0]?.target || "";
  select.replaceChildren(...changes.map((c) => el("option", {value: c.target, selected: c.target === state.changeTarget},
    `${KIND_WORDS[c.kind] || c.kind}: ${words(c.value)}`)));
  select.disabled = !changes.length;
  const chosen = changes.find((c) => c.target === state.changeTarget);
  $("#change-list").replaceChildren(...(chosen ? chosen.questions.map((q) => el("li", {dataset: {field: q.field}},
    el("span", {}, q.question), " ", el("span", {class: "tries"}, tryButtons(q.field))))
    : [el("li", {}, "No unanswered question could change a conclusion.")]));
  $("#undo-try").hidden = !state.undo;
}

function renderReasoning() {
  $("#reasoning").hidden = false;
  renderChain();
  renderStepper();
  renderRuleDetail();
  renderWhyNot();
  renderChange();
}

// ---------------------------------------------------------------- loading and saving

function loadDocument(document_, name) {
  if (Array.isArray(document_)) {
    if (!document_.length) { say("#case-status", `${name} holds no cases.`, "error"); return; }
    state.fileCases = document_;
    const pick = $("#file-case");
    pick.replaceChildren(...document_.map((item, i) => el("option", {value: i},
      `${i + 1}. ${(item?.case || item)?.case_id ?? "no case id"}`)));
    pick.hidden = false;
    loadOne(document_[0], `${name}[0]`);
    say("#case-status", `${name} holds ${document_.length} cases; showing the first (choose another beside).`);
    return;
  }
  $("#file-case").hidden = true;
  loadOne(document_, name);
}

function loadOne(item, name) {
  if (item === null || typeof item !== "object" || Array.isArray(item)) {
    say("#case-status", `${name}: expected a JSON object (a case), got ${Array.isArray(item) ? "a list" : typeof item}.`, "error");
    return;
  }
  const annotated = item.case && typeof item.case === "object" && !Array.isArray(item.case);
  setCase(annotated ? item.case : item);
  $("#case-note").textContent = annotated && item.note ? item.note : "";
  say("#case-status", `Loaded ${name}.`);
}

function readFile(file) {
  const reader = new FileReader();
  reader.onload = () => {
    let parsed;
    try { parsed = JSON.parse(String(reader.result).replace(/^\uFEFF/, "")); }
    catch (error) { say("#case-status", `${file.name}: not valid JSON (${error.message}).`, "error"); return; }
    loadDocument(parsed, file.name);
  };
  reader.onerror = () => say("#case-status", `${file.name}: cannot be read.`, "error");
  reader.readAsText(file);
}

function saveCase() {
  const data = currentCase();
  const text = JSON.stringify(data, null, 2) + "\n";
  const link = el("a", {href: URL.createObjectURL(new Blob([text], {type: "application/json"})),
                        download: `${String(data.case_id || "case").replace(/[^A-Za-z0-9._-]/g, "_")}.json`});
  document.body.append(link);
  link.click();
  link.remove();
  say("#case-status", `Saved ${link.download}: lbp screen ${link.download} screens it.`);
}

async function shareLink() {
  writeFragment();
  try {
    await navigator.clipboard.writeText(location.href);
    say("#case-status", "Link copied: the answers are in it (after #); the server keeps nothing.");
  } catch {
    $("#share-url").select();
    say("#case-status", "Copy the link from the box: the answers are in it (after #).");
  }
}

// ---------------------------------------------------------------- start

function wire() {
  $("#case-select").addEventListener("change", (event) => {
    const chosen = state.cases.find((c) => c.name === event.target.value);
    if (chosen) { $("#file-case").hidden = true; loadOne({case: chosen.case, note: chosen.note}, chosen.name); }
  });
  $("#case-file").addEventListener("change", (event) => { if (event.target.files[0]) readFile(event.target.files[0]); });
  $("#file-case").addEventListener("change", (event) => {
    const i = Number(event.target.value);
    loadOne(state.fileCases[i], `case ${i + 1} of the file`);
  });
  $("#save-case").addEventListener("click", saveCase);
  $("#share-link").addEventListener("click", shareLink);
  $("#clear-case").addEventListener("click", () => { $("#case-note").textContent = ""; setCase({}); say("#case-status", "Every answer is unknown."); });
  $("#clear-focus").addEventListener("click", () => { state.focus = null; state.step = 0; renderResult(); renderReasoning(); });
  $("#step-prev").addEventListener("click", () => showStep(Math.max(1, state.step - 1)));
  $("#step-next").addEventListener("click", () => showStep(Math.min(state.doc.trace.length, state.step + 1)));
  $("#why-not-run").addEventListener("click", () => { state.whyNot = $("#why-not-target").value; rescreen(); });
  $("#change-target").addEventListener("change", (event) => { state.changeTarget = event.target.value; renderChange(); });
  $("#undo-try").addEventListener("click", () => {
    if (!state.undo) return;
    state.answers = state.undo;
    state.undo = null;
    say("#change-status", "Back to the answers before the try.");
    changed(0);
  });
  // replaceState fires no hashchange: this is a link pasted or followed into this page.
  window.addEventListener("hashchange", () => setCase(readFragment()));
}

async function start() {
  const [vocabulary, groups, targets, cases] = await Promise.all(
    ["/api/vocabulary", "/api/questions", "/api/targets", "/api/cases"].map(getJSON));
  Object.assign(state, {vocabulary, groups, targets, cases});
  state.byField = Object.fromEntries(vocabulary.map((spec) => [spec.field, spec]));
  $("#case-select").append(...cases.map((c) => el("option", {value: c.name}, c.name)));
  $("#why-not-target").replaceChildren(...Object.entries(targets).map(([kind, values]) =>
    el("optgroup", {label: KIND_WORDS[kind] || kind}, values.map((v) => el("option", {value: `${kind}=${v}`}, words(v))))));
  buildForm();
  wire();
  setCase(readFragment());
}

start().catch((error) => say("#case-status", `The playground could not start: ${error.message}`, "error"));
