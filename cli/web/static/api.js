// The API page: each endpoint of /openapi.json with its description, an example request
// and the errors it may answer with, and the curl line that sends the example.

const $ = (selector) => document.querySelector(selector);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function curl(method, path, example) {
  const origin = location.origin;
  if (example === undefined) return `curl ${origin}${path}`;
  return `curl -X ${method.toUpperCase()} ${origin}${path} -H 'content-type: application/json' -d '${JSON.stringify(example)}'`;
}

async function start() {
  const response = await fetch("/openapi.json");
  const spec = await response.json();
  const blocks = [];
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const example = operation.requestBody?.content?.["application/json"]?.example;
      const errors = Object.entries(operation.responses || {}).filter(([code]) => code !== "200");
      blocks.push(el("section", {class: "endpoint", id: `${method}-${path.replaceAll("/", "-")}`},
        el("h3", {}, el("span", {class: "method"}, method.toUpperCase()), el("code", {}, path), ` ${operation.summary || ""}`),
        el("p", {}, operation.description || ""),
        example === undefined ? null : [el("h4", {}, "Example body"), el("pre", {}, JSON.stringify(example, null, 2))],
        el("h4", {}, "Try it"), el("pre", {}, curl(method, path, example)),
        errors.length ? [el("h4", {}, "Errors"), el("ul", {}, errors.map(([code, r]) => el("li", {}, `${code}: ${r.description}`)))] : null));
    }
  }
  $("#endpoints").replaceChildren(...blocks);
  $("#api-status").textContent = `${spec.info.title} ${spec.info.version}: ${blocks.length} endpoints.`;
}

start().catch((error) => { $("#api-status").textContent = `Cannot read /openapi.json: ${error.message}`; });
